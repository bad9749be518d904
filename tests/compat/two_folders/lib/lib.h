/* lib.h: what the lib/ folder and the extra file give main.c. */
#ifndef LIB_H
#define LIB_H
int lib_answer(void);
int feature_level(void);
#endif
