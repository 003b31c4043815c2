// examples/calculator/local_server.cpp - the same calculator as a local
// server (calculator_server): an executable that COM starts with -Embedding
// when a client asks for CLSCTX_LOCAL_SERVER, and that exits when its last
// object is released. `calculator_server -RegServer` registers it.
#include <unistd.h>

#include <cstdio>
#include <string_view>

#include "calculator_impl.h"

int main(int argc, char** argv) {
  const bool serving = argc > 1 && std::string_view(argv[1]) == "-Embedding";
  if (serving) std::fprintf(stderr, "calculator_server: started by COM (pid %d)\n", static_cast<int>(::getpid()));
  const int rc = comkit::local_server<example::calculator>::run(argc, argv);
  if (serving) std::fprintf(stderr, "calculator_server: its last object is gone; exiting\n");
  return rc;
}
