/* main.c: the process entry point linked into every application. It finds the
 * application's entry declaration (host/entry.c), reads the configuration,
 * runs one module until it stops, and exits with the module's code. */
#include "host/entry.h"
#include "host/module.h"
#include "host/options.h"
#include "core/config.h"
#include "core/loop.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* SIGTERM, SIGINT and SIGHUP stop the module as --run-for does (pending AT output is
 * written), exit code 128 + the signal; a second one ends the process at once. Blocked in
 * every thread, taken by this one. */
static sigset_t stop_signals;

static void *signal_thread(void *arg)
{
    (void)arg;
    int sig;
    if (sigwait(&stop_signals, &sig) != 0)
        return NULL;
    oat_loop_request_stop(128 + sig);
    if (sigwait(&stop_signals, &sig) == 0)
        _exit(128 + sig);
    return NULL;
}

/* Before any other thread exists, so that all of them inherit the mask. */
static void block_stop_signals(void)
{
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
}

/* Once the module runs: a signal that came during the boot is pending and taken now. */
static void take_stop_signals(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, signal_thread, NULL) == 0)
        pthread_detach(t);
    else
        pthread_sigmask(SIG_UNBLOCK, &stop_signals, NULL);
}

int main(int argc, char **argv)
{
    /* A closed terminal or pipe must end the AT session, not kill the module. */
    signal(SIGPIPE, SIG_IGN);
    const char *app = strrchr(argv[0], '/');
    app = app ? app + 1 : argv[0];
    if (oat_options_register_all() != 0)
        return 2;
    oat_config_defaults(app);
    char err[512];
    int rc = oat_config_load(argc, argv, err, sizeof err);
    if (rc == 1)
        return 0;
    if (rc < 0) {
        fprintf(stderr, "%s: %s\n", app, err);
        return 2;
    }
    oat_boot boot;
    if (oat_app_entry(&boot))
        fprintf(stderr, "%s: both adl_InitTasks[] and adl_main() are defined; the task table "
                "is used (the module forbids declaring both)\n", app);
    block_stop_signals();
    rc = oat_module_start(&boot, err, sizeof err);
    if (rc == OAT_MODULE_BAD_CONFIG) {
        fprintf(stderr, "%s: %s\n", app, err);
        return 2;
    }
    if (rc != 0) {
        fprintf(stderr, "%s: the application could not be launched (%d)\n", app, rc);
        return rc > 0 ? 10 + rc : 1;
    }
    take_stop_signals();
    oat_loop_set_limit(INT64_MAX);   /* virtual time runs free once the entry points are queued */
    oat_module_wait();
    return oat_module_stop();
}
