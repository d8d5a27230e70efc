vol = load_nifti("no_such_ct.nii.gz")
# expect runtime error: 1:18: load_nifti: no such file: no_such_ct.nii.gz
