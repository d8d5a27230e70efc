run "../functions/helper.vs.inc"
print(helper_value, helper(2))  # expect: 42 4
