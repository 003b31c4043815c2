// bench/bench_server.cpp - the in-process server activation_bench loads.
#include "bench_object.h"

COMKIT_SERVER_EXPORTS(benchsrv::bench_object)
