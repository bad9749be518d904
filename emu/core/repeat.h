/* repeat.h: notices an application repeating the same request (an AT command, a connect to
 * one peer) more than 1000 times within one emulated second, and says so in one trace line. */
#ifndef OAT_REPEAT_H
#define OAT_REPEAT_H

/* One more request of kind ("AT command", "connect to") for key (the command line, the
 * peer). Traces at most once a minute per key. Any thread. */
void oat_repeat_note(const char *kind, const char *key);
/* Forget every count (module stop). */
void oat_repeat_reset(void);

#endif
