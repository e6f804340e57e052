/* `kobjns demo`: a service in session 0 and an app in session 1 share memory, as on Windows (the
 * story itself is demo.c). POSIX only: it plays sessions, which only that backend simulates. */
#include "cli.h"

int cli_cmd_demo(const cli_command *self, int argc, char **argv) {
  (void)argv;
  if (argc != 1) return cli_usage_error(self);
#ifdef _WIN32
  return cli_fail(
      "demo: it plays sessions, which only the POSIX backend simulates (on Windows, "
      "Windows decides a process's session)",
      KOBJNS_NOT_SUPPORTED);
#else
  return kobjns_cli_demo();
#endif
}
