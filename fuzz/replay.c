/* Replays a fuzz target's corpus without libFuzzer: every file of the directories (or the files)
 * given as arguments, in name order, through LLVMFuzzerTestOneInput. A broken invariant aborts;
 * otherwise the exit status is 0. Built with each target in normal builds, where the corpus is
 * a regression test (meson test 'fuzz-<target>-corpus'). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Runs the file `path` through the target: 1 when it was a regular file, 0 otherwise. */
static int replay_file(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    exit(2);
  }
  size_t size = (size_t)st.st_size;
  /* Exactly the input's size, as libFuzzer gives it: a sanitizer sees any read past the end. */
  uint8_t *data = malloc(size ? size : 1);
  if (!data || fread(data, 1, size, f) != size) {
    fprintf(stderr, "replay: %s: cannot read\n", path);
    exit(2);
  }
  fclose(f);
  LLVMFuzzerTestOneInput(data, size);
  free(data);
  return 1;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
    exit(2);
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    if (n == cap) {
      cap = cap ? 2 * cap : 64;
      char **grown = realloc(names, cap * sizeof *names);
      if (!grown) exit(2);
      names = grown;
    }
    size_t len = strlen(dir) + strlen(e->d_name) + 2;
    if (!(names[n] = malloc(len))) exit(2);
    snprintf(names[n], len, "%s/%s", dir, e->d_name);
    n++;
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, by_name);
  int count = 0;
  for (size_t i = 0; i < n; i++) {
    count += replay_file(names[i]);
    free(names[i]);
  }
  free(names);
  return count;
}

int main(int argc, char **argv) {
  LLVMFuzzerInitialize(&argc, &argv);
  int total = 0;
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-') continue; /* a libFuzzer flag: nothing to replay */
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
      return 2;
    }
    int count = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : replay_file(argv[i]);
    printf("replayed %d input%s from %s\n", count, count == 1 ? "" : "s", argv[i]);
    total += count;
  }
  if (total == 0) {
    fprintf(stderr, "replay: no input replayed\n");
    return 2;
  }
  return 0;
}
