// kobjns-bench's Boost.Interprocess rows (boost-peer.h). Boost is Debian's libboost-dev; only its
// headers are used.
#include "boost-peer.h"

#include <boost/interprocess/exceptions.hpp>
#include <boost/interprocess/mapped_region.hpp>
#include <boost/interprocess/shared_memory_object.hpp>
#include <boost/interprocess/sync/named_mutex.hpp>

namespace bip = boost::interprocess;

namespace {
bip::named_mutex *mutex;
constexpr size_t page = 4096;
}  // namespace

int boost_mutex_open(const char *name) try {
  bip::named_mutex::remove(name);
  mutex = new bip::named_mutex(bip::create_only, name);
  return 0;
} catch (const bip::interprocess_exception &) {
  return -1;
}

int boost_mutex_lock(void) try {
  mutex->lock();
  return 0;
} catch (const bip::interprocess_exception &) {
  return -1;
}

int boost_mutex_unlock(void) try {
  mutex->unlock();
  return 0;
} catch (const bip::interprocess_exception &) {
  return -1;
}

void boost_mutex_close(const char *name) {
  delete mutex;
  mutex = nullptr;
  bip::named_mutex::remove(name);
}

int boost_section_cycle(const char *name, size_t size) try {
  {
    bip::shared_memory_object shm(bip::create_only, name, bip::read_write);
    shm.truncate(static_cast<bip::offset_t>(size));
    bip::mapped_region view(shm, bip::read_write);
    auto *bytes = static_cast<volatile char *>(view.get_address());
    for (size_t at = 0; at < size; at += page) bytes[at] = 1;
  }
  bip::shared_memory_object::remove(name);
  return 0;
} catch (const bip::interprocess_exception &) {
  return -1;
}

int boost_section_make(const char *name, size_t size) try {
  bip::shared_memory_object::remove(name);
  bip::shared_memory_object shm(bip::create_only, name, bip::read_write);
  shm.truncate(static_cast<bip::offset_t>(size));
  return 0;
} catch (const bip::interprocess_exception &) {
  return -1;
}

int boost_section_open_close(const char *name) try {
  bip::shared_memory_object shm(bip::open_only, name, bip::read_only);
  return 0;
} catch (const bip::interprocess_exception &) {
  return -1;
}

void boost_section_remove(const char *name) { bip::shared_memory_object::remove(name); }
