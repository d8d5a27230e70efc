if !x { }
# expect error: 1:4: unexpected character '!'
