// process_resources.h: what the test process holds, for the suites that check a long run
// leaves nothing behind: its open descriptors and the heap it has in use.
#ifndef OATEMU_TESTS_PROCESS_RESOURCES_H
#define OATEMU_TESTS_PROCESS_RESOURCES_H

#include <dirent.h>
#include <malloc.h>

#include <cstddef>

// Entries of /proc/self/fd (the directory's own descriptor and . and .. included: a constant).
inline int open_descriptors()
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    while (d && readdir(d))
        n++;
    if (d)
        closedir(d);
    return n;
}

// Bytes malloc has handed out and not had back.
inline size_t heap_in_use()
{
    return mallinfo2().uordblks;
}

#endif
