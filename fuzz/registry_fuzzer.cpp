// fuzz/registry_fuzzer.cpp - libFuzzer target over the registry's manifest
// files, which are untrusted input (any user may write one in their own
// registry directory). Each input is written as the one manifest of a
// private registry, read through the public API, and checked: nothing but
// S_OK or a skipped file, every class listed has an absolute server path and
// this manifest's path, and each ProgID maps back and forth to its class.
// Replayed over its corpus by CTest.
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <objbase.h>

#include <comkit/abi/extensions.h>

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

struct registry_dir {
  std::string dir;
  registry_dir() {
    char tmpl[] = "/tmp/comkit-registry-fuzz-XXXXXX";
    require(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    setenv("COMKIT_REGISTRY_PATH", dir.c_str(), 1);
    setenv("COMKIT_DEBUG", "-warn", 1);  // the skipped-manifest warnings are expected
    require(CoInitializeEx(nullptr, COINIT_MULTITHREADED) == S_OK);
  }
  ~registry_dir() {
    std::remove((dir + "/fuzz.manifest").c_str());
    rmdir(dir.c_str());
  }
};

std::u16string utf16(const char* s) {
  std::u16string out;
  for (; *s; ++s) out.push_back(static_cast<unsigned char>(*s));  // ProgIDs are ASCII (checked by the parser)
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static registry_dir reg;
  const std::string path = reg.dir + "/fuzz.manifest";
  FILE* f = std::fopen(path.c_str(), "wb");
  require(f != nullptr);
  require(std::fwrite(data, 1, size, f) == size);
  std::fclose(f);
  require(ComkitRegistryRefresh() == S_OK);

  struct seen_class {
    GUID clsid;
    std::string progid;
  };
  struct listing {
    std::vector<seen_class> classes;
    const std::string* manifest;
  } seen{{}, &path};
  require(ComkitEnumRegisteredClasses(
              [](const COMKIT_REGISTERED_CLASS* c, void* ctx) -> BOOL {
                auto* l = static_cast<listing*>(ctx);
                require(c->server_path && c->server_path[0] == '/');
                require(*l->manifest == c->manifest_path);
                l->classes.push_back({c->clsid, c->progid});
                return TRUE;
              },
              &seen) == S_OK);
  const std::vector<seen_class>& classes = seen.classes;
  for (std::size_t i = 0; i < classes.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) require(!IsEqualGUID(classes[i].clsid, classes[j].clsid));
    const seen_class& c = classes[i];
    if (!c.progid.empty()) {
      LPOLESTR back = nullptr;
      require(ProgIDFromCLSID(c.clsid, &back) == S_OK);
      require(utf16(c.progid.c_str()) == back);
      CoTaskMemFree(back);
      CLSID id;
      require(CLSIDFromProgID(utf16(c.progid.c_str()).c_str(), &id) == S_OK);  // this class, or an earlier one with that ProgID
    }
  }
  return 0;
}
