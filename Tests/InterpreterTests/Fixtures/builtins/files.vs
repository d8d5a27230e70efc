path = "/tmp/vista_fixture_files.txt"
write_text(path, "line one\nline two")
print(exists(path), exists("/tmp/definitely/not/here"))  # expect: true false
print(read_text(path).split("\n")[1])                     # expect: line two
print("vista_fixture_files.txt" in list_dir("/tmp"))     # expect: true
