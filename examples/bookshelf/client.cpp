// examples/bookshelf/client.cpp - uses the bookshelf component through the
// generated projection only: no HRESULTs, no BSTR or CoTaskMem frees, no
// AddRef/Release. Exits non-zero if anything is not as expected.
#include <comkit/comkit.h>

#include <cstdio>
#include <string>
#include <vector>

#include "bookshelf_projection.h"

namespace {

int failures = 0;
void expect(bool ok, const char* what) {
  if (!ok) {
    std::printf("bookshelf client: NOT OK: %s\n", what);
    ++failures;
  }
}

}  // namespace

int main() {
  if (FAILED(CoInitializeEx(nullptr, COINIT_MULTITHREADED))) return 1;
  try {
    // Found through the registry by the CLSID in the IDL.
    comkit::com_ptr<IShelf> shelf = comkit::create_instance<Bookshelf>();

    // Events: a lambda sink, disconnected when the token goes.
    std::vector<std::string> added;
    comkit::event_token token = comkit::advise<IShelfEvents>(shelf, [&](std::string_view title, LONG count) {
      added.push_back(std::string(title) + " (#" + std::to_string(count) + ")");
    });

    // Strings in from any form; enums as enum classes; a default argument.
    shelf.Add(u"Dune", 1965, bookshelf::Genre::Novel);
    shelf.Add("Leaves of Grass", 1855, bookshelf::Genre::Poetry);
    comkit::com_ptr<IBook> origin = shelf.Add("On the Origin of Species", 1859, bookshelf::Genre::Science);
    shelf.Add("Untitled novel", 2024);  // genre defaults to Novel ([defaultvalue(0)])

    // Properties, and a flag set with bitmask operators.
    origin.Flags(bookshelf::BookFlags::BookFirstEdition | bookshelf::BookFlags::BookSigned);
    expect(bookshelf::any_of(origin.Flags(), bookshelf::BookFlags::BookSigned), "flags round trip");
    std::printf("bookshelf client: %ld books; \"%s\" is a %s\n", static_cast<long>(shelf.Count()),
                origin.Title().to_utf8().c_str(), origin.Kind() == bookshelf::Genre::Science ? "science book" : "?");

    // An enumerator is a range.
    for (comkit::com_ptr<IBook>& b : shelf.Books())
      std::printf("bookshelf client:   %-26s %ld\n", b.Title().to_utf8().c_str(), static_cast<long>(b.Year()));

    // Arrays both ways: a vector back, a span in, several [out]s as a struct.
    const std::vector<LONG> years = shelf.Years();
    expect(years == (std::vector<LONG>{1965, 1855, 1859, 2024}), "years");
    const std::vector<LONG> wanted = {1855, 1859, 1900};
    auto [matches, oldest] = shelf.Match(wanted);
    std::printf("bookshelf client: %ld of 3 years on the shelf, the oldest %ld\n", static_cast<long>(matches),
                static_cast<long>(oldest));
    expect(matches == 2 && oldest == 1855, "match");

    // Errors: the component's exception arrives as hresult_error with its text.
    try {
      shelf.Find(u"Ulysses");
      expect(false, "Find of a missing book failed");
    } catch (const comkit::hresult_error& e) {
      std::printf("bookshelf client: Find(\"Ulysses\") failed as expected: %s: %s\n", comkit::hresult{e.code()}.name().c_str(),
                  e.message().c_str());
      expect(e.code() == E_BOUNDS && e.message() == "no book titled \"Ulysses\"", "the mapped exception");
    }
    expect(shelf.Find(u"Dune").Year() == 1965, "find");

    token.revoke();
    shelf.Add("After the token", 2000);
    expect(added == (std::vector<std::string>{"Dune (#1)", "Leaves of Grass (#2)", "On the Origin of Species (#3)",
                                              "Untitled novel (#4)"}),
           "events until the token was revoked");
    std::printf("bookshelf client: %zu Added events received\n", added.size());
  } catch (const comkit::hresult_error& e) {
    std::printf("bookshelf client: failed: 0x%08X %s\n", static_cast<unsigned>(e.code()), e.message().c_str());
    ++failures;
  }
  CoUninitialize();
  return failures == 0 ? 0 : 1;
}
