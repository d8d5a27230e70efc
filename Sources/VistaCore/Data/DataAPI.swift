import Foundation

// Script-facing entry points (issue 4 §7): the interpreter binds these names one to one.
//
//   load_nifti(path)                          loadNIfTI(path)              -> Volume (.shape .spacing .affine .dtype .array)
//   save_nifti(vol, path, dtype=)             saveNIfTI(vol, path, dtype:)
//   save_npy(vol, path)                       saveNPY(vol, path)
//   scale_intensity(vol, a_min=, a_max=, b_min=, b_max=, clip=)
//                                             ScaleIntensityRange(aMin:aMax:bMin:bMax:clip:)(vol)
//   orientation(vol, "RAS")                   Orientation(axcodes:)(vol)
//   spacing(vol, [1.5,1.5,1.5], mode=)        Spacing(pixdim:mode:)(vol)            mode .bilinear / .nearest
//   crop_foreground(vol, margin=, allow_smaller=)  CropForeground(threshold:margin:allowSmaller:)(vol)
//   spatial_pad(vol, size)                    SpatialPad(spatialSize:)(vol)
//   resample_to_match(vol, ref, mode=)        ResampleToMatch(ref, mode:padding:)(vol)   (inverse of orient+spacing)
//   map_labels(vol, {1: 3})                   MapLabels([1: 3])(vol)
//   gaussian_smooth / zoom / flip / rotate90  GaussianSmooth(sigma:), Zoom(zoom:mode:), flip(vol, axes:), rotate90(vol, k:axes:)
//   transforms("tutorial-train")              namedTransforms(name) -> Pipeline (print it; pipe(case, using: &rng))
//   dataset(path), data.train / data.val      openDataset(path) -> Dataset; .tutorialSplit(), .split(validationFraction:seed:),
//                                             Dataset.folds(json:fold:root:), .mapLabels([1: 3])
//   synthetic_dataset(path, cases=, size=, seed=)   syntheticDataset(path, cases:size:seed:)
//   (training loop)                           CacheDataset(items:pipeline:) .summary .sample(i, using:)
//                                             Prefetcher(dataset:order:seed:).next(); Case.stack(cases) -> [N, C, X, Y, Z]

/// `load_nifti(path)`: reads a `.nii` / `.nii.gz` file as a Volume [C, X, Y, Z] with nibabel's affine.
public func loadNIfTI(_ path: String) throws -> Volume {
  try NIfTI.read(URL(fileURLWithPath: path))
}

/// `save_nifti(vol, path)`: writes float32 / int16 / uint8 / int32 (default: the volume's dtype, else float32).
public func saveNIfTI(_ volume: Volume, _ path: String, dtype: String? = nil) throws {
  try NIfTI.write(volume, to: URL(fileURLWithPath: path), dtype: dtype)
}

/// `save_npy(vol, path)`: the array [C, X, Y, Z] as float32 .npy.
public func saveNPY(_ volume: Volume, _ path: String) throws {
  try NPY.write(volume.array, to: URL(fileURLWithPath: path))
}

/// `synthetic_dataset(path, cases, size, seed)`: writes the synthetic MSD folder and opens it as a Dataset.
public func syntheticDataset(
  _ path: String, cases: Int = 8, size: [Int] = [96, 96, 64], seed: UInt64 = 0
) throws
  -> Dataset
{
  let url = URL(fileURLWithPath: path)
  try SyntheticDataset.write(to: url, cases: cases, size: size, seed: seed)
  return try Dataset(path: url)
}

/// `dataset(path)`: an MSD folder.
public func openDataset(_ path: String) throws -> Dataset {
  try Dataset(path: URL(fileURLWithPath: path))
}

/// `transforms(name)`: a named pipeline ("tutorial-train", "tutorial-val").
public func namedTransforms(_ name: String) throws -> Pipeline { try Pipeline.named(name) }
