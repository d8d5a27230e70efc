print("value {1 +}")
# expect error: 1:18: unexpected end of input
