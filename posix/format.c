/* Conversions between the in-memory descriptor (src/security.h, free to change with src/) and
 * its stored form (format.h, fixed by the format version). */
#include "format.h"

#include <string.h>

_Static_assert(KOBJNS__STORED_ACES == KOBJNS__MAX_ACES, "every in-memory ACE has a stored one");

void kobjns__sd_store(const kobjns__sd *in, kobjns__stored_sd *out) {
  memset(out, 0, sizeof *out); /* unused ACEs and reserved fields are 0 */
  out->null_dacl = in->null_dacl;
  out->count = in->count;
  for (unsigned i = 0; i < in->count && i < KOBJNS__STORED_ACES; i++)
    out->aces[i] = (kobjns__stored_ace){.deny = in->aces[i].deny,
                                        .trustee = in->aces[i].trustee,
                                        .id = in->aces[i].id,
                                        .mask = in->aces[i].mask};
}

bool kobjns__sd_load(const kobjns__stored_sd *in, kobjns__sd *out) {
  memset(out, 0, sizeof *out);
  if (in->count > KOBJNS__STORED_ACES || in->reserved) return false;
  out->null_dacl = in->null_dacl;
  out->count = in->count;
  for (unsigned i = 0; i < in->count; i++) {
    const kobjns__stored_ace *a = &in->aces[i];
    if (a->reserved) return false;
    out->aces[i] =
        (kobjns__ace){.deny = a->deny, .trustee = a->trustee, .id = a->id, .mask = a->mask};
  }
  return kobjns__sd_valid(out); /* the rest of the rules are the descriptor's own */
}
