/* SDDL parsing and Windows access checks (white-box: src/security.h). */
#include <string.h>

#include "internal.h"
#include "kt.h"

#define R KOBJNS__SECTION_MAP_READ
#define W KOBJNS__SECTION_MAP_WRITE

static kobjns__token user(uint32_t uid, uint32_t session) {
  kobjns__token t = {.uid = uid, .session = session};
  return t;
}

static void parses_supported_subset(void) {
  kobjns__sd sd;
  KT_OK(kobjns__sddl_parse("D:", &sd));
  CU_ASSERT_EQUAL(sd.count, 0);
  KT_OK(kobjns__sddl_parse("D:(A;;GR;;;WD)", &sd));
  CU_ASSERT_EQUAL(sd.count, 1);
  CU_ASSERT_EQUAL(sd.aces[0].mask, 0x20005u); /* GR mapped: READ_CONTROL|QUERY|MAP_READ */
  KT_OK(kobjns__sddl_parse("D:(A;;GA;;;SY)(A;;GR;;;WD)", &sd));
  CU_ASSERT_EQUAL(sd.count, 2);
  CU_ASSERT_EQUAL(sd.aces[0].mask, 0xF001Fu);
  KT_OK(kobjns__sddl_parse("D:P(A;;GRGW;;;AU)(D;;GW;;;IU)(A;;0x4;;;S-1-22-1-1000)", &sd));
  CU_ASSERT_EQUAL(sd.count, 3);
  CU_ASSERT_EQUAL(sd.aces[1].deny, 1);
  CU_ASSERT_EQUAL(sd.aces[2].trustee, KOBJNS__TRUSTEE_USER);
  CU_ASSERT_EQUAL(sd.aces[2].id, 1000);
  KT_OK(kobjns__sddl_parse("D:(A;;6;;;S-1-22-2-50)(A;;GX;;;OW)(A;;RCWD;;;BA)", &sd));
  CU_ASSERT_EQUAL(sd.aces[0].trustee, KOBJNS__TRUSTEE_GROUP);
  CU_ASSERT_EQUAL(sd.aces[0].mask, 6u);
  KT_OK(kobjns__sddl_parse("D:(A;;GA;;;S-1-1-0)(A;;GA;;;S-1-5-18)(A;;GA;;;S-1-5-32-544)", &sd));
  CU_ASSERT_EQUAL(sd.aces[0].trustee, KOBJNS__TRUSTEE_EVERYONE);
  CU_ASSERT_EQUAL(sd.aces[2].trustee, KOBJNS__TRUSTEE_ADMINS);
  KT_OK(kobjns__sddl_parse("D:NO_ACCESS_CONTROL", &sd));
  CU_ASSERT_EQUAL(sd.null_dacl, 1);
  KT_OK(kobjns__sddl_parse("D:(A;OICIIO;GA;;;WD)", &sd)); /* inherit-only: not for this object */
  CU_ASSERT_EQUAL(sd.count, 0);
}

static void rejects_what_it_does_not_support(void) {
  kobjns__sd sd;
  KT_STATUS(kobjns__sddl_parse("O:BAD:(A;;GA;;;WD)", &sd), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns__sddl_parse("D:(A;;GA;;;WD)S:(AU;SA;GA;;;WD)", &sd), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns__sddl_parse("", &sd), KOBJNS_INVALID_ACL);
  KT_STATUS(kobjns__sddl_parse("D", &sd), KOBJNS_INVALID_ACL);
  KT_STATUS(kobjns__sddl_parse("D:(A;;GA;;;WD", &sd), KOBJNS_INVALID_ACL);
  KT_STATUS(kobjns__sddl_parse("D:(X;;GA;;;WD)", &sd), KOBJNS_INVALID_ACL);
  KT_STATUS(kobjns__sddl_parse("D:(OA;;GA;;;WD)", &sd), KOBJNS_INVALID_ACL);
  KT_STATUS(kobjns__sddl_parse("D:(A;SA;GA;;;WD)", &sd), KOBJNS_INVALID_ACL);
  KT_STATUS(kobjns__sddl_parse("D:(A;;ZZ;;;WD)", &sd), KOBJNS_INVALID_ACL);
  KT_STATUS(kobjns__sddl_parse("D:(A;;0xZ;;;WD)", &sd), KOBJNS_INVALID_ACL);
  KT_STATUS(kobjns__sddl_parse("D:(A;;GA;x;;WD)", &sd), KOBJNS_INVALID_ACL);
  KT_STATUS(kobjns__sddl_parse("D:(A;;GA;;;WD;)", &sd), KOBJNS_INVALID_ACL);
  KT_STATUS(kobjns__sddl_parse("D:(A;;GA;;;WD) ", &sd), KOBJNS_INVALID_ACL);
  KT_STATUS(kobjns__sddl_parse("D:NO_ACCESS_CONTROL(A;;GA;;;WD)", &sd), KOBJNS_INVALID_ACL);
  KT_STATUS(kobjns__sddl_parse("D:(A;;GA;;;XX)", &sd), KOBJNS_INVALID_SID);
  KT_STATUS(kobjns__sddl_parse("D:(A;;GA;;;BU)", &sd), KOBJNS_INVALID_SID);
  KT_STATUS(kobjns__sddl_parse("D:(A;;GA;;;S-1-5-21-1-2-3-1000)", &sd), KOBJNS_INVALID_SID);
  KT_STATUS(kobjns__sddl_parse("D:(A;;GA;;;S-1-22-1-)", &sd), KOBJNS_INVALID_SID);
  KT_STATUS(kobjns__sddl_parse("D:(A;;GA;;;S-1-22-1-4294967295)", &sd), KOBJNS_INVALID_SID);
  KT_STATUS(kobjns__sddl_parse("D:(A;;GA;;;S-1-22-1-99999999999)", &sd), KOBJNS_INVALID_SID);
  KT_STATUS(kobjns__sddl_parse("D:(A;;GA;;;wd)", &sd), KOBJNS_INVALID_SID);
  char many[2048] = "D:";
  for (int i = 0; i < KOBJNS__MAX_ACES + 1; i++) strcat(many, "(A;;GR;;;WD)");
  KT_STATUS(kobjns__sddl_parse(many, &sd), KOBJNS_INVALID_ACL);
}

static void access_checks(void) {
  kobjns__sd sd;
  kobjns__token owner = user(1000, 1), other = user(2000, 1), service = user(3000, 0);
  kobjns__token root = user(0, 0);
  root.admin = true;
  /* The default: creator, SYSTEM, administrators. */
  kobjns__sd_default(&sd, 1000);
  KT_OK(kobjns__access_check(&sd, 1000, &owner, R | W));
  KT_OK(kobjns__access_check(&sd, 1000, &root, R | W));
  KT_STATUS(kobjns__access_check(&sd, 1000, &other, R), KOBJNS_ACCESS_DENIED);
  /* Everyone may read. */
  KT_OK(kobjns__sddl_parse("D:(A;;GR;;;WD)", &sd));
  KT_OK(kobjns__access_check(&sd, 1000, &other, R));
  KT_STATUS(kobjns__access_check(&sd, 1000, &other, W), KOBJNS_ACCESS_DENIED);
  KT_STATUS(kobjns__access_check(&sd, 1000, &owner, R | W), KOBJNS_ACCESS_DENIED);
  /* An empty DACL: nobody, root included; the owner keeps READ_CONTROL and WRITE_DAC. */
  KT_OK(kobjns__sddl_parse("D:", &sd));
  KT_STATUS(kobjns__access_check(&sd, 1000, &root, R), KOBJNS_ACCESS_DENIED);
  KT_STATUS(kobjns__access_check(&sd, 1000, &owner, R), KOBJNS_ACCESS_DENIED);
  KT_OK(kobjns__access_check(&sd, 1000, &owner, KOBJNS__READ_CONTROL | KOBJNS__WRITE_DAC));
  /* A NULL DACL: everyone, everything. */
  KT_OK(kobjns__sddl_parse("D:NO_ACCESS_CONTROL", &sd));
  KT_OK(kobjns__access_check(&sd, 1000, &other, R | W | KOBJNS__DELETE));
  /* Deny ACEs count in order: a deny after the grant does not take back what was granted. */
  KT_OK(kobjns__sddl_parse("D:(D;;GW;;;IU)(A;;GA;;;WD)", &sd));
  KT_STATUS(kobjns__access_check(&sd, 1000, &other, W), KOBJNS_ACCESS_DENIED);
  KT_OK(kobjns__access_check(&sd, 1000, &service, W)); /* not interactive */
  KT_OK(kobjns__sddl_parse("D:(A;;GA;;;WD)(D;;GW;;;IU)", &sd));
  KT_OK(kobjns__access_check(&sd, 1000, &other, W));
  /* Named users and groups; OWNER RIGHTS replaces the owner's implicit rights. */
  KT_OK(kobjns__sddl_parse("D:(A;;GR;;;S-1-22-1-2000)(A;;GW;;;S-1-22-2-77)", &sd));
  KT_OK(kobjns__access_check(&sd, 1000, &other, R));
  KT_STATUS(kobjns__access_check(&sd, 1000, &other, W), KOBJNS_ACCESS_DENIED);
  other.ngroups = 1;
  other.groups[0] = 77;
  KT_OK(kobjns__access_check(&sd, 1000, &other, R | W));
  KT_OK(kobjns__sddl_parse("D:(A;;GR;;;OW)", &sd));
  KT_OK(kobjns__access_check(&sd, 1000, &owner, R));
  KT_STATUS(kobjns__access_check(&sd, 1000, &owner, KOBJNS__WRITE_DAC), KOBJNS_ACCESS_DENIED);
  KT_STATUS(kobjns__access_check(&sd, 1000, &other, R), KOBJNS_ACCESS_DENIED);
}

static void formats_back(void) {
  static const char *const round_trip[] = {
      "D:",
      "D:(A;;GR;;;WD)",
      "D:(A;;GA;;;SY)(A;;GR;;;WD)",
      "D:(D;;GW;;;IU)(A;;GRGW;;;AU)",
      "D:(A;;0x4;;;S-1-22-1-1000)",
      "D:(A;;GX;;;S-1-22-2-5)",
      "D:NO_ACCESS_CONTROL",
  };
  for (size_t i = 0; i < sizeof round_trip / sizeof round_trip[0]; i++) {
    kobjns__sd sd;
    char out[512];
    KT_OK(kobjns__sddl_parse(round_trip[i], &sd));
    size_t len = kobjns__sddl_format(&sd, out, sizeof out);
    CU_ASSERT_EQUAL(len, strlen(out));
    if (strcmp(out, round_trip[i])) fprintf(stderr, "\n  %s -> %s\n", round_trip[i], out);
    CU_ASSERT_STRING_EQUAL(out, round_trip[i]);
  }
  kobjns__sd sd;
  kobjns__sd_default(&sd, 42);
  char small[6];
  size_t need = kobjns__sddl_format(&sd, small, sizeof small);
  CU_ASSERT_EQUAL(need, strlen("D:(A;;GA;;;S-1-22-1-42)(A;;GA;;;SY)(A;;GA;;;BA)"));
  CU_ASSERT_STRING_EQUAL(small, "D:(A;");
}

static void generic_mapping(void) {
  CU_ASSERT_EQUAL(kobjns__map_generic(KOBJNS_GENERIC_ALL), 0xF001Fu);
  CU_ASSERT_EQUAL(kobjns__map_generic(KOBJNS_GENERIC_READ), 0x20005u);
  CU_ASSERT_EQUAL(kobjns__map_generic(KOBJNS_GENERIC_WRITE), 0x20002u);
  CU_ASSERT_EQUAL(kobjns__map_generic(KOBJNS_GENERIC_EXECUTE), 0x20008u);
  CU_ASSERT_EQUAL(kobjns__map_generic(KOBJNS_MAP_READ | KOBJNS_MAP_WRITE), 6u);
}

static void public_check(void) {
  KT_OK(kobjns_sddl_check("D:(A;;GA;;;SY)(A;;GR;;;WD)"));
  KT_OK(kobjns_sddl_check("D:NO_ACCESS_CONTROL"));
  KT_STATUS(kobjns_sddl_check(NULL), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_sddl_check("O:BAD:"), KOBJNS_INVALID_PARAMETER);
  KT_STATUS(kobjns_sddl_check("D:(A;;GA;;;WD"), KOBJNS_INVALID_ACL);
  KT_STATUS(kobjns_sddl_check("D:(A;;GA;;;XX)"), KOBJNS_INVALID_SID);
}

void kt_add_sddl(CU_pSuite s) {
  kt_add(s, "kobjns_sddl_check", public_check, 0);
  kt_add(s, "parses the supported subset", parses_supported_subset, 0);
  kt_add(s, "rejects what it does not support", rejects_what_it_does_not_support, 0);
  kt_add(s, "access checks follow Windows", access_checks, 0);
  kt_add(s, "formats back to SDDL", formats_back, 0);
  kt_add(s, "generic mapping", generic_mapping, 0);
}
