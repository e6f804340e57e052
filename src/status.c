/* The one table of status names and messages (KOBJNS_STATUS_MAP in kobjns.h). */
#include "internal.h"

const char *kobjns_status_name(int status) {
  switch (status) {
#define KOBJNS_STATUS_NAME_(name, value, message)                                                  \
  case value: return "ERROR_" #name;
    KOBJNS_STATUS_MAP(KOBJNS_STATUS_NAME_)
#undef KOBJNS_STATUS_NAME_
    default: return "UNKNOWN";
  }
}

const char *kobjns_strerror(int status) {
  switch (status) {
#define KOBJNS_STATUS_MESSAGE_(name, value, message)                                               \
  case value: return message;
    KOBJNS_STATUS_MAP(KOBJNS_STATUS_MESSAGE_)
#undef KOBJNS_STATUS_MESSAGE_
    default: return "unknown status (not one kobjns returns)";
  }
}
