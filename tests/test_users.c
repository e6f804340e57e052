#include "kt.h"
void kt_add_users(CU_pSuite s) { (void)s; }
