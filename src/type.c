/* The object types and their generic mappings, as Windows' object manager defines them. */
#include "internal.h"

static const kobjns__generic_mapping section_mapping = {
    .read = KOBJNS__READ_CONTROL | KOBJNS__SECTION_QUERY | KOBJNS__SECTION_MAP_READ,
    .write = KOBJNS__READ_CONTROL | KOBJNS__SECTION_MAP_WRITE,
    .execute = KOBJNS__READ_CONTROL | KOBJNS__SECTION_MAP_EXECUTE,
    .all = KOBJNS__SECTION_ALL_ACCESS,
};
static const kobjns__generic_mapping mutex_mapping = {
    .read = KOBJNS__READ_CONTROL | KOBJNS__MUTANT_QUERY_STATE,
    .write = KOBJNS__READ_CONTROL,
    .execute = KOBJNS__READ_CONTROL | KOBJNS__SYNCHRONIZE,
    .all = KOBJNS__MUTANT_ALL,
};
static const kobjns__generic_mapping event_mapping = {
    .read = KOBJNS__READ_CONTROL | KOBJNS__EVENT_QUERY_STATE,
    .write = KOBJNS__READ_CONTROL | KOBJNS__EVENT_MODIFY_STATE,
    .execute = KOBJNS__READ_CONTROL | KOBJNS__SYNCHRONIZE,
    .all = KOBJNS__EVENT_ALL,
};
static const kobjns__generic_mapping semaphore_mapping = {
    .read = KOBJNS__READ_CONTROL | KOBJNS__SEMAPHORE_QUERY_STATE,
    .write = KOBJNS__READ_CONTROL | KOBJNS__SEMAPHORE_MODIFY_STATE,
    .execute = KOBJNS__READ_CONTROL | KOBJNS__SYNCHRONIZE,
    .all = KOBJNS__SEMAPHORE_ALL,
};

/* Windows' generic mapping for threads (THREAD_GENERIC_READ, ... in winnt.h). */
static const kobjns__generic_mapping thread_mapping = {
    .read = KOBJNS__READ_CONTROL | KOBJNS__THREAD_QUERY_INFORMATION | KOBJNS__THREAD_GET_CONTEXT,
    .write = KOBJNS__READ_CONTROL | KOBJNS__THREAD_TERMINATE | KOBJNS__THREAD_SUSPEND_RESUME |
             KOBJNS__THREAD_SET_INFORMATION | KOBJNS__THREAD_SET_CONTEXT,
    .execute = KOBJNS__READ_CONTROL | KOBJNS__SYNCHRONIZE,
    .all = KOBJNS__THREAD_ALL,
};

/* Windows' generic mapping for timers (TIMER_GENERIC_READ, ... in winnt.h). */
static const kobjns__generic_mapping timer_mapping = {
    .read = KOBJNS__READ_CONTROL | KOBJNS__TIMER_QUERY_STATE,
    .write = KOBJNS__READ_CONTROL | KOBJNS__TIMER_MODIFY_STATE,
    .execute = KOBJNS__READ_CONTROL | KOBJNS__SYNCHRONIZE,
    .all = KOBJNS__TIMER_ALL,
};

/* Windows' generic mapping for processes (PROCESS_GENERIC_READ, ... as ntoskrnl defines them). */
static const kobjns__generic_mapping process_mapping = {
    .read = KOBJNS__READ_CONTROL | KOBJNS__PROCESS_VM_READ | KOBJNS__PROCESS_QUERY_INFORMATION,
    .write = KOBJNS__READ_CONTROL | KOBJNS__PROCESS_CREATE_PROCESS | KOBJNS__PROCESS_CREATE_THREAD |
             KOBJNS__PROCESS_VM_OPERATION | KOBJNS__PROCESS_VM_WRITE | KOBJNS__PROCESS_DUP_HANDLE |
             KOBJNS__PROCESS_SET_INFORMATION | KOBJNS__PROCESS_SET_QUOTA |
             KOBJNS__PROCESS_SUSPEND_RESUME,
    .execute = KOBJNS__READ_CONTROL | KOBJNS__SYNCHRONIZE,
    .all = KOBJNS__PROCESS_ALL,
};

/* Windows' generic mapping for files (FILE_GENERIC_READ, ... in winnt.h). */
static const kobjns__generic_mapping file_mapping = {
    .read = KOBJNS__READ_CONTROL | KOBJNS__FILE_READ_DATA | KOBJNS__FILE_READ_ATTRIBUTES |
            KOBJNS__FILE_READ_EA | KOBJNS__SYNCHRONIZE,
    .write = KOBJNS__READ_CONTROL | KOBJNS__FILE_WRITE_DATA | KOBJNS__FILE_WRITE_ATTRIBUTES |
             KOBJNS__FILE_WRITE_EA | KOBJNS__FILE_APPEND_DATA | KOBJNS__SYNCHRONIZE,
    .execute = KOBJNS__READ_CONTROL | KOBJNS__FILE_READ_ATTRIBUTES | KOBJNS__FILE_EXECUTE |
               KOBJNS__SYNCHRONIZE,
    .all = KOBJNS__FILE_ALL,
};

/* Windows' generic mapping for directories (DIRECTORY_GENERIC_*): a private namespace. */
static const kobjns__generic_mapping directory_mapping = {
    .read = KOBJNS__READ_CONTROL | KOBJNS__DIRECTORY_QUERY | KOBJNS__DIRECTORY_TRAVERSE,
    .write = KOBJNS__READ_CONTROL | KOBJNS__DIRECTORY_CREATE_OBJECT |
             KOBJNS__DIRECTORY_CREATE_SUBDIRECTORY,
    .execute = KOBJNS__READ_CONTROL | KOBJNS__DIRECTORY_QUERY | KOBJNS__DIRECTORY_TRAVERSE,
    .all = KOBJNS__DIRECTORY_ALL,
};

/* SeCreateGlobalPrivilege is checked for file mappings (and, on Windows, symbolic links) only:
 * anyone may create a mutex, event or semaphore in Global\ (Microsoft's "Kernel object
 * namespaces"; Wine's om.c tests run as a standard user). */
#define SECTION(n, m, r)                                                                           \
  { .name = n, .mapping = m, .rights = r, .create_global_needs_privilege = true }
#define WAITABLE(n, m, r)                                                                          \
  { .name = n, .mapping = m, .rights = r, .waitable = true }
static const kobjns__type_info types[] = {
    [KOBJNS_TYPE_NONE] = {.name = ""},
    [KOBJNS_TYPE_SECTION] = SECTION("Section", &section_mapping, KOBJNS__SECTION_ALL),
    [KOBJNS_TYPE_MUTEX] = WAITABLE("Mutex", &mutex_mapping, KOBJNS__MUTANT_ALL),
    [KOBJNS_TYPE_EVENT] = WAITABLE("Event", &event_mapping, KOBJNS__EVENT_ALL),
    [KOBJNS_TYPE_SEMAPHORE] = WAITABLE("Semaphore", &semaphore_mapping, KOBJNS__SEMAPHORE_ALL),
    [KOBJNS_TYPE_SESSION] = {.name = "Session"},
    [KOBJNS_TYPE_OBJECT] = {.name = "Object"},
    [KOBJNS_TYPE_UNKNOWN] = {.name = "Unknown"},
    [KOBJNS_TYPE_TEMPORARY] = {.name = "Temporary"},
    [KOBJNS_TYPE_THREAD] = {.name = "Thread",
                            .mapping = &thread_mapping,
                            .rights = KOBJNS__THREAD_ALL,
                            .waitable = true,
                            .unnamed = true},
    [KOBJNS_TYPE_TIMER] = WAITABLE("Timer", &timer_mapping, KOBJNS__TIMER_ALL),
    [KOBJNS_TYPE_PROCESS] = {.name = "Process",
                             .mapping = &process_mapping,
                             .rights = KOBJNS__PROCESS_ALL,
                             .waitable = true,
                             .unnamed = true},
    /* Not waitable here: Windows signals a file handle when its I/O completes, which only
     * overlapped I/O (not offered) makes visible. */
    [KOBJNS_TYPE_FILE] = {.name = "File",
                          .mapping = &file_mapping,
                          .rights = KOBJNS__FILE_ALL,
                          .unnamed = true},
    /* A private namespace: made and opened by its boundary and alias, never by an object name. */
    [KOBJNS_TYPE_DIRECTORY] = {.name = "Directory",
                               .mapping = &directory_mapping,
                               .rights = KOBJNS__DIRECTORY_ALL,
                               .unnamed = true},
};

const kobjns__type_info *kobjns__type(kobjns_type type) {
  return (unsigned)type < sizeof types / sizeof types[0] ? &types[type] : &types[0];
}

bool kobjns__type_is_object(kobjns_type type) { return kobjns__type(type)->mapping != NULL; }

uint32_t kobjns__type_valid_access(kobjns_type type) {
  const kobjns__type_info *t = kobjns__type(type);
  return t->mapping ? t->rights | KOBJNS__GENERIC_ALL_BITS : 0;
}

uint32_t kobjns__type_map(kobjns_type type, uint32_t access) {
  return kobjns__map_generic_as(kobjns__type(type)->mapping, access);
}

const char *kobjns_type_name(kobjns_type type) { return kobjns__type(type)->name; }
