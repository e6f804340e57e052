/* The probe library of kobjns-flat: nothing in it could keep it loaded (no thread-local data, no
 * destructors, no unique symbols), so that a C library which unloads libraries at their last
 * dlclose unloads it. kobjns-flat loads and unloads it first: a C library that does not (musl's
 * dlclose never unmaps, by design) leaves the unloading of kobjns unjudged, and says so. */
int kobjns_flat_probe(void);
int kobjns_flat_probe(void) { return 42; }
