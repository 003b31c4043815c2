// examples/bookshelf/server.cpp - the bookshelf component, written against
// the generated projection: plain C++ members, exceptions to fail, an
// enumerator from a vector, events raised to every sink. Everything about
// the class (CLSID, ProgIDs, threading) comes from the coclass in the IDL.
#include <comkit/comkit.h>

#include <algorithm>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "bookshelf_projection.h"

namespace {

/// Thrown by Find; mapped once to E_BOUNDS (see the registration below).
struct no_such_book {
  std::u16string title;
};

struct book : comkit::implements<book, IBook> {
  book(std::u16string title, LONG year, bookshelf::Genre genre) : m_title(std::move(title)), m_year(year), m_genre(genre) {}

  comkit::bstr Title() const { return comkit::bstr(m_title); }
  LONG Year() const { return m_year; }
  bookshelf::Genre Kind() const { return m_genre; }
  bookshelf::BookFlags Flags() const { return m_flags; }
  void Flags(bookshelf::BookFlags flags) { m_flags = flags; }

  const std::u16string& title() const { return m_title; }

 private:
  std::u16string m_title;
  LONG m_year;
  bookshelf::Genre m_genre;
  bookshelf::BookFlags m_flags = bookshelf::BookFlags::BookNone;
};

// The coclass's [source] interfaces (IShelfEvents) give the connection points.
struct shelf : comkit::implements<shelf, IShelf, IConnectionPointContainer>, comkit::coclass_event_source<shelf, Bookshelf> {
  using coclass = Bookshelf;

  shelf() {
    static std::once_flag mapped;
    std::call_once(mapped, [] {
      comkit::map_exception<no_such_book>(E_BOUNDS, [](const no_such_book& e) {
        return "no book titled \"" + comkit::detail::utf8_of(e.title.data(), e.title.size()) + "\"";
      });
    });
  }

  comkit::com_ptr<IBook> Add(std::u16string_view title, LONG year, bookshelf::Genre genre) {
    if (title.empty()) throw std::invalid_argument("a book needs a title");  // E_INVALIDARG
    comkit::com_ptr<IBook> b = comkit::make<book>(std::u16string(title), year, genre);
    LONG count;
    {
      std::lock_guard<std::mutex> lock(m_lock);
      m_books.push_back(b);
      count = static_cast<LONG>(m_books.size());
    }
    raise<IShelfEvents>([&](comkit::com_ptr<IShelfEvents>& sink) { sink.Added(title, count); });
    return b;
  }
  comkit::com_ptr<IBook> Find(std::u16string_view title) const {
    std::lock_guard<std::mutex> lock(m_lock);
    for (const comkit::com_ptr<IBook>& b : m_books)
      if (comkit::get_self<book>(b)->title() == title) return b;
    throw no_such_book{std::u16string(title)};
  }
  comkit::com_ptr<IEnumBook> Books() const {
    std::lock_guard<std::mutex> lock(m_lock);
    return comkit::make_enumerator<IEnumBook>(m_books);  // a snapshot: later Adds do not disturb it
  }
  LONG Count() const {
    std::lock_guard<std::mutex> lock(m_lock);
    return static_cast<LONG>(m_books.size());
  }
  std::vector<LONG> Years() const {
    std::lock_guard<std::mutex> lock(m_lock);
    std::vector<LONG> years;
    for (const comkit::com_ptr<IBook>& b : m_books) years.push_back(b.Year());
    return years;
  }
  IShelfPtr::Match_result Match(std::span<const LONG> years) const {
    const std::vector<LONG> have = Years();
    IShelfPtr::Match_result r{0, 0};
    for (LONG y : years)
      if (std::find(have.begin(), have.end(), y) != have.end()) {
        if (r.matches++ == 0 || y < r.oldest) r.oldest = y;
      }
    return r;
  }

 private:
  mutable std::mutex m_lock;
  std::vector<comkit::com_ptr<IBook>> m_books;
};

}  // namespace

COMKIT_SERVER_EXPORTS(shelf)
