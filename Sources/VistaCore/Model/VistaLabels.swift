import Foundation

/// VISTA3D's label space: global ids 0...132 with names from the bundle's metadata.json.
///
/// Ids above 132 are zero-shot for the point head. 3 = spleen.
public enum VistaLabels {
  /// Names by id (index = id), from the bundle's `network_data_format.outputs.pred.channel_def`.
  public static let names: [String] = [
    "background",
    "liver",
    "kidney",
    "spleen",
    "pancreas",
    "right kidney",
    "aorta",
    "inferior vena cava",
    "right adrenal gland",
    "left adrenal gland",
    "gallbladder",
    "esophagus",
    "stomach",
    "duodenum",
    "left kidney",
    "bladder",
    "prostate or uterus",
    "portal vein and splenic vein",
    "rectum",
    "small bowel",
    "lung",
    "bone",
    "brain",
    "lung tumor",
    "pancreatic tumor",
    "hepatic vessel",
    "hepatic tumor",
    "colon cancer primaries",
    "left lung upper lobe",
    "left lung lower lobe",
    "right lung upper lobe",
    "right lung middle lobe",
    "right lung lower lobe",
    "vertebrae L5",
    "vertebrae L4",
    "vertebrae L3",
    "vertebrae L2",
    "vertebrae L1",
    "vertebrae T12",
    "vertebrae T11",
    "vertebrae T10",
    "vertebrae T9",
    "vertebrae T8",
    "vertebrae T7",
    "vertebrae T6",
    "vertebrae T5",
    "vertebrae T4",
    "vertebrae T3",
    "vertebrae T2",
    "vertebrae T1",
    "vertebrae C7",
    "vertebrae C6",
    "vertebrae C5",
    "vertebrae C4",
    "vertebrae C3",
    "vertebrae C2",
    "vertebrae C1",
    "trachea",
    "left iliac artery",
    "right iliac artery",
    "left iliac vena",
    "right iliac vena",
    "colon",
    "left rib 1",
    "left rib 2",
    "left rib 3",
    "left rib 4",
    "left rib 5",
    "left rib 6",
    "left rib 7",
    "left rib 8",
    "left rib 9",
    "left rib 10",
    "left rib 11",
    "left rib 12",
    "right rib 1",
    "right rib 2",
    "right rib 3",
    "right rib 4",
    "right rib 5",
    "right rib 6",
    "right rib 7",
    "right rib 8",
    "right rib 9",
    "right rib 10",
    "right rib 11",
    "right rib 12",
    "left humerus",
    "right humerus",
    "left scapula",
    "right scapula",
    "left clavicula",
    "right clavicula",
    "left femur",
    "right femur",
    "left hip",
    "right hip",
    "sacrum",
    "left gluteus maximus",
    "right gluteus maximus",
    "left gluteus medius",
    "right gluteus medius",
    "left gluteus minimus",
    "right gluteus minimus",
    "left autochthon",
    "right autochthon",
    "left iliopsoas",
    "right iliopsoas",
    "left atrial appendage",
    "brachiocephalic trunk",
    "left brachiocephalic vein",
    "right brachiocephalic vein",
    "left common carotid artery",
    "right common carotid artery",
    "costal cartilages",
    "heart",
    "left kidney cyst",
    "right kidney cyst",
    "prostate",
    "pulmonary vein",
    "skull",
    "spinal cord",
    "sternum",
    "left subclavian artery",
    "right subclavian artery",
    "superior vena cava",
    "thyroid gland",
    "vertebrae S1",
    "bone lesion",
    "kidney mass",
    "liver tumor",
    "vertebrae L6",
    "airway"
  ]

  /// The bundle's "everything" segmentation: 1...132 minus the group, tumour and deprecated ids (117 classes).
  public static let everything: [Int] = Array(1...132).filter {
    ![2, 16, 18, 20, 21, 23, 24, 25, 26, 27, 128, 129, 130, 131, 132].contains($0)
  }

  /// Classes whose point labels are 2/3 in training (tumours, vessels, …).
  public static let specialIndex: [Int] = [23, 24, 25, 26, 27, 57, 128]

  /// Group prompts expanded as VistaPreTransformd does: kidney, lung, bone.
  public static let subclasses: [Int: [Int]] = [
    2: [14, 5],
    20: [28, 29, 30, 31, 32],
    21: Array(33...56) + Array(63...97) + [114, 120, 122],
  ]

  /// The name of an id (`class 140 (zero-shot)` past the table).
  public static func name(_ id: Int) -> String {
    id >= 0 && id < names.count ? names[id] : "class \(id) (zero-shot)"
  }

  /// The id of a class name (case-insensitive); throws with suggestions when unknown.
  public static func id(_ name: String) throws -> Int {
    let wanted = name.lowercased().trimmingCharacters(in: .whitespaces)
    if let i = names.firstIndex(of: wanted) { return i }
    let close = names.filter { $0.contains(wanted) || wanted.contains($0) }.prefix(5)
    let hint = close.isEmpty ? "" : "; did you mean \(close.map { "'\($0)'" }.joined(separator: ", "))?"
    throw VistaError("unknown VISTA3D class '\(name)'\(hint)")
  }

  /// Expands group ids (2 → 14, 5; 20 → 28…32; 21 → bones), keeping order and dropping repeats.
  public static func expand(_ ids: [Int]) -> [Int] {
    var out: [Int] = []
    for id in ids {
      for e in subclasses[id] ?? [id] where !out.contains(e) { out.append(e) }
    }
    return out
  }
}
