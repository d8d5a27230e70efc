help(len)
# expect: len(x)
# expect:   Number of items.
# expect:   parameters:
# expect:     x  any  — a list, dict, str or range
# expect:   example: len([1, 2, 3])  # 3
help("list.append")
# expect: list.append(item)
# expect:   Add an item at the end.
# expect:   parameters:
# expect:     item  any
