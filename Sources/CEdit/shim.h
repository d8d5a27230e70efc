#include <stdio.h>
#include <histedit.h>
#include <editline/readline.h>

// el_set()/history() are C variadic functions, which Swift cannot call: static inline wrappers.
static inline int cedit_set_prompt(EditLine *e, char *(*f)(EditLine *)) { return el_set(e, EL_PROMPT, f); }
static inline int cedit_set_editor(EditLine *e, const char *mode) { return el_set(e, EL_EDITOR, mode); }
static inline int cedit_set_signal(EditLine *e, int on) { return el_set(e, EL_SIGNAL, on); }
static inline int cedit_set_hist(EditLine *e, History *h) { return el_set(e, EL_HIST, history, h); }
static inline int cedit_history_setsize(History *h, HistEvent *ev, int n) { return history(h, ev, H_SETSIZE, n); }
static inline int cedit_history_enter(History *h, HistEvent *ev, const char *s) { return history(h, ev, H_ENTER, s); }

// Swift 6 rejects direct use of C mutable globals: accessors.
static inline FILE *cedit_stdin(void)  { return stdin; }
static inline FILE *cedit_stdout(void) { return stdout; }
static inline FILE *cedit_stderr(void) { return stderr; }
static inline int   cedit_history_length(void) { return history_length; }

// More wrappers for the REPL (key bindings, completion hook, custom character reader, history file).
static inline int cedit_bind(EditLine *e, const char *key, const char *command) {
  return el_set(e, EL_BIND, key, command, NULL);
}
static inline int cedit_addfn(EditLine *e, const char *name, const char *help,
                              unsigned char (*f)(EditLine *, int)) {
  return el_set(e, EL_ADDFN, name, help, f);
}
static inline int cedit_set_getcfn(EditLine *e, int (*f)(EditLine *, wchar_t *)) {
  return el_set(e, EL_GETCFN, f);
}
static inline int cedit_history_load(History *h, HistEvent *ev, const char *path) {
  return history(h, ev, H_LOAD, path);
}
static inline int cedit_history_save(History *h, HistEvent *ev, const char *path) {
  return history(h, ev, H_SAVE, path);
}
static inline int cedit_history_set_unique(History *h, HistEvent *ev, int on) {
  return history(h, ev, H_SETUNIQUE, on);
}
