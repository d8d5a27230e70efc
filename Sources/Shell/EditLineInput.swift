import CEdit
import Foundation
import Interpreter

// libedit calls back through C function pointers, which cannot capture context: the one active
// input is reachable through these (only touched on the main thread).
nonisolated(unsafe) private var activeInput: EditLineInput?
nonisolated(unsafe) private var promptBuffer: UnsafeMutablePointer<CChar>?

/// Line input from libedit: emacs keys, persistent history, prefix search on Up/Down, Ctrl-R, Tab completion.
final class EditLineInput: LineInput {
  private let el: OpaquePointer
  private let history: OpaquePointer
  private var event = HistEvent()
  private let historyPath: String
  private let completer: Completer
  private var interrupted = false

  init(historyPath: String, completer: Completer) {
    self.historyPath = historyPath
    self.completer = completer
    el = el_init("vista", cedit_stdin(), cedit_stdout(), cedit_stderr())
    history = history_init()
    cedit_history_setsize(history, &event, 5000)
    cedit_history_set_unique(history, &event, 1)
    _ = cedit_history_load(history, &event, historyPath)
    cedit_set_hist(el, history)
    cedit_set_editor(el, "emacs")
    cedit_set_signal(el, 1)
    cedit_set_prompt(el) { _ in promptBuffer }
    cedit_set_getcfn(el) { _, out in readCharacter(out) }
    cedit_addfn(el, "vista-complete", "Complete names, members, keywords and paths") { _, _ in
      activeInput?.completeAtCursor() ?? UInt8(CC_ERROR)
    }
    cedit_bind(el, "^I", "vista-complete")
    cedit_bind(el, "^R", "em-inc-search-prev")
    for key in ["\u{1b}[A", "\u{1b}OA"] { cedit_bind(el, key, "ed-search-prev-history") }
    for key in ["\u{1b}[B", "\u{1b}OB"] { cedit_bind(el, key, "ed-search-next-history") }
    el_source(el, nil)  // ~/.editrc, if the user has one
    activeInput = self
  }

  deinit {
    el_end(el)
    history_end(history)
  }

  func readLine(prompt: String) -> LineRead {
    promptBuffer?.deallocate()
    let bytes = Array(prompt.utf8CString)
    promptBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
    promptBuffer?.initialize(from: bytes, count: bytes.count)
    interrupted = false
    Interrupt.clear()
    var count: Int32 = 0
    guard let line = el_gets(el, &count), count > 0 else {
      if interrupted || Interrupt.isRequested {
        Interrupt.clear()
        return .interrupted
      }
      return .eof
    }
    var text = String(cString: line)
    if text.hasSuffix("\n") { text.removeLast() }
    return .line(text)
  }

  func addHistory(_ line: String) {
    cedit_history_enter(history, &event, line)
    _ = cedit_history_save(history, &event, historyPath)
  }

  /// Reads one UTF-8 character from stdin; an interrupted read (Ctrl-C) ends the line.
  fileprivate func read(_ out: UnsafeMutablePointer<wchar_t>?) -> Int32 {
    var byte: UInt8 = 0
    func next() -> Int {
      while true {
        let n = Foundation.read(0, &byte, 1)
        if n < 0 && errno == EINTR {
          if Interrupt.isRequested {
            interrupted = true
            return -1
          }
          continue
        }
        return n
      }
    }
    let n = next()
    if n <= 0 { return Int32(n) }
    var scalar = UInt32(byte)
    var extra = 0
    if byte >= 0xF0 {
      scalar = UInt32(byte & 0x07)
      extra = 3
    } else if byte >= 0xE0 {
      scalar = UInt32(byte & 0x0F)
      extra = 2
    } else if byte >= 0xC0 {
      scalar = UInt32(byte & 0x1F)
      extra = 1
    }
    for _ in 0..<extra {
      guard next() == 1 else { return -1 }
      scalar = (scalar << 6) | UInt32(byte & 0x3F)
    }
    out?.pointee = wchar_t(bitPattern: scalar)
    return 1
  }

  /// Tab: inserts the unique completion or the common prefix; lists candidates when ambiguous.
  fileprivate func completeAtCursor() -> UInt8 {
    guard let info = el_line(el) else { return UInt8(CC_ERROR) }
    let start = UnsafeRawPointer(info.pointee.buffer)!
    let cursor = UnsafeRawPointer(info.pointee.cursor)!
    let length = cursor - start
    let before = String(
      decoding: UnsafeBufferPointer(
        start: start.assumingMemoryBound(to: UInt8.self), count: length),
      as: UTF8.self)
    let completion = completer.complete(before)
    guard !completion.candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
    let typed = String(before.suffix(completion.replaceLength))
    if completion.candidates.count == 1 {
      let suffix = String(completion.candidates[0].dropFirst(typed.count))
      el_insertstr(el, suffix)
      return UInt8(CC_REFRESH)
    }
    let common = completion.commonPrefix
    if common.count > typed.count {
      el_insertstr(el, String(common.dropFirst(typed.count)))
      return UInt8(CC_REFRESH)
    }
    let shown = completion.candidates.prefix(60)
    let width = (shown.map(\.count).max() ?? 0) + 2
    let perRow = max(1, 96 / width)
    var text = "\n"
    for (i, c) in shown.enumerated() {
      text += c.padding(toLength: width, withPad: " ", startingAt: 0)
      if (i + 1) % perRow == 0 { text += "\n" }
    }
    if !text.hasSuffix("\n") { text += "\n" }
    if completion.candidates.count > shown.count {
      text += "(\(completion.candidates.count - shown.count) more)\n"
    }
    FileHandle.standardOutput.write(Data(text.utf8))
    return UInt8(CC_REDISPLAY)
  }
}

private func readCharacter(_ out: UnsafeMutablePointer<wchar_t>?) -> Int32 {
  activeInput?.read(out) ?? 0
}
