/* Command lines as Microsoft's C runtime splits them into main()'s arguments (the UCRT's
 * parse_command_line): what a Windows program's child sees, so a POSIX child started from a
 * Windows command line gets the same argv. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Split `line` into NUL-terminated words written to `out` (when not NULL); the number of words
 * and the bytes they take (NULs included) are counted either way. */
static void split(const char *line, char *out, size_t *words, size_t *bytes) {
  const char *p = line;
  size_t n = 0, b = 0;
#define EMIT(c)                                                                                    \
  do {                                                                                             \
    if (out) out[b] = (c);                                                                         \
    b++;                                                                                           \
  } while (0)
  /* The program's name: quotes toggle and go, everything else (backslashes too) is literal. */
  bool quoted = false;
  for (; *p && (quoted || (*p != ' ' && *p != '\t')); p++) {
    if (*p == '"')
      quoted = !quoted;
    else
      EMIT(*p);
  }
  EMIT('\0');
  n++;
  quoted = false;
  for (;;) {
    while (*p == ' ' || *p == '\t') p++;
    if (!*p) break;
    for (;;) {
      bool copy = true;
      size_t backslashes = 0;
      while (*p == '\\') {
        p++;
        backslashes++;
      }
      if (*p == '"') {
        if (backslashes % 2 == 0) {
          if (quoted && p[1] == '"')
            p++; /* "" inside quotes: one literal quote */
          else {
            copy = false;
            quoted = !quoted;
          }
        }
        backslashes /= 2;
      }
      while (backslashes--) EMIT('\\');
      if (!*p || (!quoted && (*p == ' ' || *p == '\t'))) break;
      if (copy) EMIT(*p);
      p++;
    }
    EMIT('\0');
    n++;
  }
#undef EMIT
  *words = n;
  *bytes = b;
}

int kobjns__command_line_split(const char *line, char ***argv, int *argc) {
  size_t words, bytes;
  split(line, NULL, &words, &bytes);
  if (words > INT32_MAX - 1) return KOBJNS_INVALID_PARAMETER;
  size_t table = (words + 1) * sizeof(char *);
  char **block = malloc(table + bytes);
  if (!block) return KOBJNS_NOT_ENOUGH_MEMORY;
  char *text = (char *)block + table;
  split(line, text, &words, &bytes);
  for (size_t i = 0; i < words; i++) {
    block[i] = text;
    text += strlen(text) + 1;
  }
  block[words] = NULL;
  *argv = block;
  *argc = (int)words;
  return 0;
}

int kobjns_command_line_split(const char *line, char ***argv, int *argc) {
  if (argv) *argv = NULL;
  if (argc) *argc = 0;
  if (!line || !argv || !argc) return KOBJNS_INVALID_PARAMETER;
  size_t units;
  int rc = kobjns__validate_name(line, &units);
  if (rc && rc != KOBJNS_FILENAME_EXCED_RANGE) return rc; /* any length may be split */
  return kobjns__command_line_split(line, argv, argc);
}

void kobjns_free(void *p) { free(p); }
