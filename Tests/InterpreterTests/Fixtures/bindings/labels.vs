print(class_id("spleen"), class_name(3))
print(class_name(class_id("Liver")))
m = vista3d("tiny", seed=0)
print(type(m), m.config)
# expect: 3 spleen
# expect: liver
# expect: Model tiny
