e = 3
loss = 0.123456
print("epoch {e}: {loss:.3f}")         # expect: epoch 3: 0.123
print("{loss:.4f} {loss:.2e} {loss:%}")  # expect: 0.1235 1.23e-01 12.345600%
print("[{e:>4}] [{e:<4}] [{e:^5}] [{e:04d}]")  # expect: [   3] [3   ] [  3  ] [0003]
print("{1234567:,d} {0.5:.1%} {-3:+d} {3:+d}")  # expect: 1,234,567 50.0% -3 +3
print("{{literal}} {e * 2}")          # expect: {literal} 6
d = {"a": [1, 2]}
print("nested {d["a"][1]} and {"x".upper()}")  # expect: nested 2 and X
print("{255:x} {5:b} {"ab":>4}")     # expect: ff 101   ab
print("tab\there, quote \" and \\")  # expect: tab	here, quote " and \
print('single {e}')                  # expect: single 3
