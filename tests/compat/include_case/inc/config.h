/* config.h: included as "Config.h" by main.c, as a Windows-edited project does. */
#ifndef CONFIG_H
#define CONFIG_H
#define CONFIG_ANSWER 42
#endif
