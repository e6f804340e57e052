/* A Win32 console program as it is written for Windows: <conio.h>, and itoa from <stdlib.h>,
 * built unchanged against libkobjns-winapi (the install, pkg-config and subproject tests run it
 * with a key on standard input). Prints the key and exits 0 when all of it holds. */
#include <windows.h>
#include <conio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  char hex[_MAX_ITOSTR_BASE16_COUNT], dec[_MAX_LTOSTR_BASE10_COUNT];
  if (strcmp(itoa(-1, hex, 16), "ffffffff") || strcmp(_ltoa(-42, dec, 10), "-42")) {
    fprintf(stderr, "console: itoa wrote \"%s\", _ltoa \"%s\"\n", hex, dec);
    return 1;
  }
  /* The console program's usual wait for a key (5 s at most). */
  for (int i = 0; !_kbhit(); i++) {
    if (i == 500) {
      fprintf(stderr, "console: no key on standard input\n");
      return 2;
    }
    Sleep(10);
  }
  int key = _getch();
  _putch(key);
  _putch('\n');
  return key == 'k' ? 0 : 3;
}
