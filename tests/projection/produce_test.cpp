// tests/projection/produce_test.cpp - the producing half of the generated
// projection seen from the raw ABI, where a C or foreign caller sees it:
// out-pointer checks, cleared outs, exceptions turned into HRESULTs with
// IErrorInfo, ISupportErrorInfo without an opt-in, user exception mapping,
// raw methods winning method by method, and the object's layout.
#include <gtest/gtest.h>

#include "shop_projection.h"
#include "test_interfaces.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <new>
#include <utility>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

struct out_of_stock : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Thrown only by ExceptionMapping.*: registrations last for the process.
struct mapped_not_found {  // not a std::exception: the mapping supplies the text
  int id;
};
struct mapped_out_of_stock : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Idiomatic members, except Price, which is written against the raw ABI:
// the shim calls whichever form is there, method by method.
struct mixed_item : comkit::implements<mixed_item, IItem> {
  int fail = 0;  // which failure Name() raises
  comkit::bstr Name() const {
    switch (fail) {
      case 1: throw mapped_not_found{42};
      case 2: throw out_of_stock("no pears left");
      case 3: throw std::bad_alloc();
      case 4: throw 7;  // not even an exception class
      case 5: throw mapped_out_of_stock("no plums left");
      case 6: throw comkit::hresult_error(S_FALSE);  // a success code thrown: a misuse
      default: return comkit::bstr(u"pear");
    }
  }
  void Name(std::string_view n) {
    if (n.empty()) throw std::invalid_argument("an item needs a name");
    name = n;
  }
  HRESULT STDMETHODCALLTYPE get_Price(double* price) {  // raw: no `override`, D does not derive from IItem
    if (!price) return E_POINTER;
    *price = 2.5;
    ++raw_calls;
    return S_OK;
  }
  bool InStock() const { return true; }

  std::string name;
  int raw_calls = 0;
};

// A produced interface beside a hand-written one (D derives from IDelta and
// overrides it as usual): two layouts in one object.
struct hybrid : comkit::implements<hybrid, IItem, test::IDelta> {
  comkit::bstr Name() const { return comkit::bstr(u"hybrid"); }
  void Name(std::u16string_view) {}
  double Price() const { return 1; }
  bool InStock() const { return false; }
  HRESULT STDMETHODCALLTYPE Delta(int* out) noexcept override { return *out = 4, S_OK; }
};

// The failure of `call` as the raw ABI reports it: the HRESULT and the
// IErrorInfo description (or "<none>").
template <typename F>
std::pair<HRESULT, std::string> failure_of(F call) {
  SetErrorInfo(0, nullptr);
  const HRESULT hr = call();
  comkit::com_ptr<IErrorInfo> info;
  if (GetErrorInfo(0, info.put()) != S_OK || !info) return {hr, "<none>"};
  BSTR text = nullptr;
  info->GetDescription(&text);
  std::string s = comkit::detail::utf8_of(text);
  SysFreeString(text);
  return {hr, s};
}

TEST(Produce, OutPointersAreCheckedAndCleared) {
  comkit::com_ptr<IItem> it = comkit::make<mixed_item>();
  EXPECT_EQ(it->get_Name(nullptr), E_POINTER);
  EXPECT_EQ(it->get_InStock(nullptr), E_POINTER);
  VARIANT_BOOL stock = 3;
  EXPECT_EQ(it->get_InStock(&stock), S_OK);
  EXPECT_EQ(stock, VARIANT_TRUE) << "bool becomes VARIANT_TRUE (-1), not 1";
  comkit::get_self<mixed_item>(it)->fail = 3;
  BSTR name = reinterpret_cast<BSTR>(std::uintptr_t{0x1234});  // garbage the callee must neither read nor free
  EXPECT_EQ(it->get_Name(&name), E_OUTOFMEMORY);
  EXPECT_EQ(name, nullptr) << "an [out] is NULL after a failure";
}

TEST(Produce, ExceptionsBecomeHresultsWithErrorInfo) {
  comkit::com_ptr<IItem> it = comkit::make<mixed_item>();
  mixed_item* self = comkit::get_self<mixed_item>(it);
  BSTR name = nullptr;
  self->fail = 2;
  EXPECT_EQ(failure_of([&] { return it->get_Name(&name); }), std::make_pair(E_FAIL, std::string("no pears left")));
  self->fail = 4;
  EXPECT_EQ(failure_of([&] { return it->get_Name(&name); }), std::make_pair(E_FAIL, std::string("unknown exception")));
  comkit::bstr empty(u"");
  EXPECT_EQ(failure_of([&] { return it->put_Name(empty.get()); }),
            std::make_pair(E_INVALIDARG, std::string("an item needs a name")));
  EXPECT_EQ(failure_of([&] { return it->put_Name(nullptr); }),
            std::make_pair(E_INVALIDARG, std::string("an item needs a name")))
      << "a NULL BSTR is the empty string";
  comkit::bstr pear(u"p\u00e9ar");
  EXPECT_EQ(it->put_Name(pear.get()), S_OK);
  EXPECT_EQ(self->name, "p\xc3\xa9" "ar") << "UTF-8 on request";
  EXPECT_EQ(name, nullptr);

  // ISupportErrorInfo comes with the produced interface, no marker needed.
  comkit::com_ptr<ISupportErrorInfo> sei = it.as<ISupportErrorInfo>();
  EXPECT_EQ(sei->InterfaceSupportsErrorInfo(IID_IItem), S_OK);
  EXPECT_EQ(sei->InterfaceSupportsErrorInfo(IID_IShop), S_FALSE);
  // And the consumer's exception carries the description.
  self->fail = 2;
  try {
    (void)it.Name();
    FAIL() << "no exception";
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), E_FAIL);
    EXPECT_EQ(e.message(), "no pears left");
  }
}

TEST(Produce, ShimFailuresNeverPassForSuccessOrLeaveStaleErrors) {
  comkit::com_ptr<IItem> it = comkit::make<mixed_item>();
  comkit::get_self<mixed_item>(it)->fail = 6;
  BSTR name = nullptr;
  EXPECT_EQ(it->get_Name(&name), E_UNEXPECTED) << "a thrown success code is not success";
  EXPECT_EQ(name, nullptr);
  // An error object left on the thread by somebody else is cleared when
  // the shim itself fails, since ISupportErrorInfo tells the caller to look.
  comkit::detail::set_error_info("stale", "elsewhere");
  EXPECT_EQ(it->get_Name(nullptr), E_POINTER);
  comkit::com_ptr<IErrorInfo> info;
  EXPECT_EQ(GetErrorInfo(0, info.put()), S_FALSE);
  EXPECT_EQ(info.get(), nullptr);
}

TEST(Produce, RawMethodWinsMethodByMethod) {
  comkit::com_ptr<IItem> it = comkit::make<mixed_item>();
  EXPECT_EQ(it.Price(), 2.5);
  EXPECT_EQ(it.Name(), u"pear");
  EXPECT_EQ(comkit::get_self<mixed_item>(it)->raw_calls, 1);
  EXPECT_EQ(it->get_Price(nullptr), E_POINTER) << "the raw method's own answer";
}

// comkit::raw<I>: the classic form (D derives from I and overrides its ABI
// methods) although the generated header produces I.
struct classic_item : comkit::implements<classic_item, comkit::raw<IItem>> {
  HRESULT STDMETHODCALLTYPE get_Name(BSTR* out) noexcept override {
    *out = SysAllocString(reinterpret_cast<const OLECHAR*>(u"classic"));
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE put_Name(BSTR) noexcept override { return S_OK; }
  HRESULT STDMETHODCALLTYPE get_Price(double* out) noexcept override { return *out = 3, S_OK; }
  HRESULT STDMETHODCALLTYPE get_InStock(VARIANT_BOOL* out) noexcept override { return *out = VARIANT_FALSE, S_OK; }
};

TEST(Produce, RawMarkerKeepsTheClassicForm) {
  comkit::com_ptr<IItem> it = comkit::make<classic_item>();
  static_assert(std::is_base_of_v<IItem, classic_item>);
  EXPECT_EQ(it.Name(), u"classic");  // consumed through the projection as usual
  EXPECT_EQ(it.Price(), 3);
  EXPECT_FALSE(it.try_as<ISupportErrorInfo>()) << "no produced interface: no automatic ISupportErrorInfo";
  EXPECT_EQ(comkit::get_self<classic_item>(it.get()), comkit::try_get_self<classic_item>(it));
}

TEST(Produce, LayoutAndIdentity) {
  comkit::com_ptr<IItem> it = comkit::make<mixed_item>();
  mixed_item* self = comkit::get_self<mixed_item>(it);
  using impl = mixed_item::implements_type;
  EXPECT_TRUE(impl::layout_matches<0>(self));  // IItem (a producer: not polymorphic)
  EXPECT_TRUE(impl::layout_matches<1>(self));  // IWeakReferenceSource
  EXPECT_TRUE(impl::layout_matches<2>(self));  // ISupportErrorInfo
  EXPECT_EQ(comkit::try_get_self<mixed_item>(it), self);
  comkit::com_ptr<IUnknown> unk = it.as<IUnknown>();
  EXPECT_EQ(static_cast<void*>(unk.get()), static_cast<void*>(it.get())) << "identity is the first interface";
  EXPECT_EQ(comkit::get_self<mixed_item>(unk.get()), self);

  comkit::com_ptr<IItem> h = comkit::make<hybrid>();
  hybrid* hs = comkit::get_self<hybrid>(h);
  using himpl = hybrid::implements_type;
  EXPECT_TRUE(himpl::layout_matches<0>(hs));  // IItem, laid out after the polymorphic IDelta
  EXPECT_TRUE(himpl::layout_matches<1>(hs));  // IDelta, the primary base
  EXPECT_TRUE(himpl::layout_matches<2>(hs));
  EXPECT_TRUE(himpl::layout_matches<3>(hs));
  EXPECT_EQ(h.Name(), u"hybrid");
  comkit::com_ptr<test::IDelta> d = h.as<test::IDelta>();
  int four = 0;
  EXPECT_EQ(d->Delta(&four), S_OK);
  EXPECT_EQ(four, 4);
  EXPECT_EQ(d.as<IItem>().get(), h.get());
  EXPECT_EQ(static_cast<void*>(d.as<IUnknown>().get()), static_cast<void*>(h.get()));
  EXPECT_EQ(comkit::get_self<hybrid>(d.get()), hs);
  EXPECT_EQ(comkit::get_self<hybrid>(h.get()), hs);
}

// Tear-offs of a produced interface write its idiomatic members too, and
// a raw<I> tear-off keeps the ABI form.
struct tear_owner;
struct item_tear : comkit::tear_off<item_tear, IItem, tear_owner> {
  comkit::bstr Name() const;
  void Name(std::u16string_view n) {
    if (n.empty()) throw std::invalid_argument("a torn-off item needs a name");
    renamed = std::u16string(n);
  }
  HRESULT STDMETHODCALLTYPE get_Price(double* price) {  // raw, method by method
    if (!price) return E_POINTER;
    return *price = 7.5, S_OK;
  }
  bool InStock() const { return true; }
  std::u16string renamed;
};
struct raw_tear_owner;
struct raw_item_tear : comkit::tear_off<raw_item_tear, comkit::raw<IItem>, raw_tear_owner> {
  HRESULT STDMETHODCALLTYPE get_Name(BSTR* name) noexcept override { return *name = SysAllocString(u"raw tear"), S_OK; }
  HRESULT STDMETHODCALLTYPE put_Name(BSTR) noexcept override { return E_NOTIMPL; }
  HRESULT STDMETHODCALLTYPE get_Price(double* price) noexcept override { return *price = 1, S_OK; }
  HRESULT STDMETHODCALLTYPE get_InStock(VARIANT_BOOL* value) noexcept override { return *value = VARIANT_FALSE, S_OK; }
};
struct tear_owner : comkit::implements<tear_owner, test::IDelta, comkit::support_error_info,
                                       comkit::cached_tear_off<item_tear>> {
  HRESULT STDMETHODCALLTYPE Delta(int* out) noexcept override { return *out = 4, S_OK; }
  std::u16string label = u"torn";
};
comkit::bstr item_tear::Name() const { return comkit::bstr(owner().label); }
struct disposable_owner;
struct counted_item_tear : comkit::tear_off<counted_item_tear, IItem, disposable_owner> {
  comkit::bstr Name() const { return comkit::bstr(u"disposable"); }
  void Name(std::u16string_view) {}
  double Price() const { return 2; }
  bool InStock() const { return false; }
};
struct disposable_owner : comkit::implements<disposable_owner, test::IDelta, comkit::disposable_tear_off<counted_item_tear>> {
  HRESULT STDMETHODCALLTYPE Delta(int* out) noexcept override { return *out = 5, S_OK; }
};
struct raw_tear_owner : comkit::implements<raw_tear_owner, test::IDelta, comkit::cached_tear_off<raw_item_tear>> {
  HRESULT STDMETHODCALLTYPE Delta(int* out) noexcept override { return *out = 6, S_OK; }
};

TEST(Produce, ATearOffOfAProducedInterfaceWritesItsIdiomaticMembers) {
  static_assert(!std::is_base_of_v<IItem, item_tear>, "a produced tear-off does not inherit the ABI methods");
  static_assert(std::is_base_of_v<IItem, raw_item_tear>);
  comkit::com_ptr<test::IDelta> owner = comkit::make<tear_owner>();
  comkit::com_ptr<IItem> item = owner.as<IItem>();
  ASSERT_TRUE(item);
  EXPECT_EQ(item.as<IItem>().get(), item.get()) << "a cached tear-off is handed out again";
  EXPECT_EQ(static_cast<void*>(item.as<IUnknown>().get()), static_cast<void*>(owner.as<IUnknown>().get())) << "identity";
  EXPECT_EQ(item.Name(), u"torn");  // the idiomatic member, which reached its owner
  EXPECT_EQ(item.Price(), 7.5);     // the raw one
  EXPECT_TRUE(item.InStock());
  EXPECT_EQ(item->get_Name(nullptr), E_POINTER);
  item.Name(u"pear");
  const std::pair<HRESULT, std::string> empty_name{E_INVALIDARG, "a torn-off item needs a name"};
  EXPECT_EQ(failure_of([&] { return item->put_Name(nullptr); }), empty_name);  // std::invalid_argument, with IErrorInfo
  comkit::com_ptr<ISupportErrorInfo> support = item.as<ISupportErrorInfo>();
  EXPECT_EQ(support->InterfaceSupportsErrorInfo(comkit::guid_of<IItem>()), S_OK);
  EXPECT_EQ(support->InterfaceSupportsErrorInfo(comkit::guid_of<test::IDelta>()), S_OK);  // the marker says all
  EXPECT_EQ(support->InterfaceSupportsErrorInfo(comkit::guid_of<IShop>()), S_FALSE);

  comkit::com_ptr<IItem> one = comkit::make<disposable_owner>().as<IItem>();
  comkit::com_ptr<IItem> two = one.as<IItem>();
  EXPECT_NE(one.get(), two.get()) << "a disposable tear-off is made for every QueryInterface";
  EXPECT_EQ(one.Name(), u"disposable");
  EXPECT_EQ(two.Price(), 2);
  EXPECT_FALSE(one.try_as<ISupportErrorInfo>()) << "no produced direct interface and no marker";

  comkit::com_ptr<IItem> raw = comkit::make<raw_tear_owner>().as<IItem>();
  EXPECT_EQ(raw.Name(), u"raw tear");
  EXPECT_EQ(raw.Price(), 1);
}

std::string describe_not_found(const mapped_not_found& e) { return "item " + std::to_string(e.id) + " not found"; }

TEST(ExceptionMapping, UserTypesMapToTheirCodes) {
  comkit::com_ptr<IItem> it = comkit::make<mixed_item>();
  mixed_item* self = comkit::get_self<mixed_item>(it);
  BSTR name = nullptr;
  self->fail = 1;
  EXPECT_EQ(failure_of([&] { return it->get_Name(&name); }).first, E_FAIL) << "not registered yet";
  comkit::map_exception<mapped_not_found>(E_BOUNDS, &describe_not_found);
  EXPECT_EQ(failure_of([&] { return it->get_Name(&name); }), std::make_pair(E_BOUNDS, std::string("item 42 not found")));
  // A registered std::exception keeps its what() and beats the std:: mapping.
  self->fail = 5;
  EXPECT_EQ(failure_of([&] { return it->get_Name(&name); }).first, E_FAIL);
  comkit::map_exception<mapped_out_of_stock>(E_ABORT);
  EXPECT_EQ(failure_of([&] { return it->get_Name(&name); }), std::make_pair(E_ABORT, std::string("no plums left")));
  // The newest registration for a type wins.
  comkit::map_exception<mapped_out_of_stock>(E_ACCESSDENIED);
  EXPECT_EQ(failure_of([&] { return it->get_Name(&name); }).first, E_ACCESSDENIED);
  // Types nobody registered are untouched.
  self->fail = 2;
  EXPECT_EQ(failure_of([&] { return it->get_Name(&name); }).first, E_FAIL);
  EXPECT_THROW(comkit::map_exception<mapped_not_found>(S_OK), std::invalid_argument);
}

template <int N>
struct tagged {};

template <int... N>
void register_all(std::integer_sequence<int, N...>) {
  (comkit::map_exception<tagged<N>>(MAKE_HRESULT(SEVERITY_ERROR, FACILITY_ITF, 0x200 + N)), ...);
}
template <int... N>
HRESULT throw_and_map(int k, std::integer_sequence<int, N...>) {
  HRESULT hr = S_OK;
  try {
    ((k == N ? throw tagged<N>{} : void()), ...);
  } catch (...) {
    hr = comkit::detail::to_hresult();
  }
  return hr;
}

// Registration publishes a node with a release CAS on the list head while
// other threads walk the list from an acquire load. What could go wrong: a
// walker sees a node whose fields are not yet written (TSan reports the
// race; a torn `translate` pointer crashes), or two racing pushes lose one
// (a type ends up unmapped: the final check fails).
TEST(ExceptionMapping, ConcurrentRegistrationAndTranslation) {
  constexpr int kinds = 48;
  using seq = std::make_integer_sequence<int, kinds>;
  std::atomic<bool> go{false};
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    while (!go.load()) {
    }
    register_all(std::make_integer_sequence<int, kinds / 2>());
  });
  threads.emplace_back([&] {
    while (!go.load()) {
    }
    [&]<int... N>(std::integer_sequence<int, N...>) {
      (comkit::map_exception<tagged<kinds / 2 + N>>(MAKE_HRESULT(SEVERITY_ERROR, FACILITY_ITF, 0x200 + kinds / 2 + N)), ...);
    }(std::make_integer_sequence<int, kinds - kinds / 2>());
  });
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&, t] {
      while (!go.load()) {
      }
      for (int round = 0; round < 200; ++round) {
        const int k = (round * 7 + t) % kinds;
        const HRESULT hr = throw_and_map(k, seq());
        if (hr != E_FAIL && hr != MAKE_HRESULT(SEVERITY_ERROR, FACILITY_ITF, 0x200 + k)) wrong.fetch_add(1);
      }
    });
  go.store(true);
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0) << "a translation gave another type's code";
  for (int k = 0; k < kinds; ++k)
    EXPECT_EQ(throw_and_map(k, seq()), MAKE_HRESULT(SEVERITY_ERROR, FACILITY_ITF, 0x200 + k)) << "registration " << k << " lost";
}

// make_enumerator's object, as a foreign caller sees it through the ABI.
TEST(Enumerator, NextSkipResetCloneAsDocumented) {
  const std::vector<std::u16string> words = {u"a", u"b", u"c", u"d", u"e"};
  comkit::com_ptr<IEnumString> e = comkit::make_enumerator<IEnumString>(words);
  LPOLESTR got[4] = {};
  ULONG n = 99;
  ASSERT_EQ(e->Next(2, got, &n), S_OK);
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t*>(got[0])), u"a");
  EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t*>(got[1])), u"b");
  CoTaskMemFree(got[0]);
  CoTaskMemFree(got[1]);
  EXPECT_EQ(e->Next(2, got, nullptr), E_INVALIDARG) << "pceltFetched may be NULL only for one element";
  EXPECT_EQ(e->Next(1, nullptr, &n), E_POINTER);
  comkit::com_ptr<IEnumString> copy;
  ASSERT_EQ(e->Clone(copy.put()), S_OK);
  EXPECT_EQ(e->Skip(2), S_OK);  // c, d
  ASSERT_EQ(e->Next(1, got, nullptr), S_OK);
  EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t*>(got[0])), u"e");
  CoTaskMemFree(got[0]);
  n = 99;
  EXPECT_EQ(e->Next(1, got, &n), S_FALSE) << "nothing left";
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(e->Skip(1), S_FALSE);
  // The clone kept the position it was made at, and moves on its own.
  ASSERT_EQ(copy->Next(4, got, &n), S_FALSE);
  ASSERT_EQ(n, 3u);
  EXPECT_EQ(std::u16string(reinterpret_cast<const char16_t*>(got[0])), u"c");
  for (ULONG k = 0; k < n; ++k) CoTaskMemFree(got[k]);
  ASSERT_EQ(e->Reset(), S_OK);
  std::vector<std::u16string> all;
  for (const std::u16string& w : e) all.push_back(w);
  EXPECT_EQ(all, words);
}

TEST(Enumerator, InterfacesAndVariantsAreOwned) {
  std::vector<comkit::variant> values;
  values.emplace_back(1);
  values.emplace_back(u"two");
  comkit::com_ptr<IEnumVARIANT> e = comkit::make_enumerator<IEnumVARIANT>(values);
  std::vector<comkit::variant> back;
  for (comkit::variant& v : e) back.push_back(std::move(v));  // ASan: each VARIANT cleared once
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].get()->vt, VT_I4);
  EXPECT_EQ(back[1].get()->vt, VT_BSTR);

  comkit::com_ptr<IItem> item = comkit::make<mixed_item>();
  std::vector<comkit::com_ptr<IUnknown>> objects = {item.as<IUnknown>(), item.as<IUnknown>()};
  comkit::com_ptr<IEnumUnknown> u = comkit::make_enumerator<IEnumUnknown>(objects);
  objects.clear();
  int n = 0;
  for (comkit::com_ptr<IUnknown>& o : u) n += o.as<IItem>().get() == item.get();
  EXPECT_EQ(n, 2);
}

// Next and Skip from several threads at once: the position is one state
// guarded by the enumerator's lock, so every element is handed out exactly
// once. Without the lock two threads read and advance the same position
// (TSan reports it; the count check fails when both get one element).
TEST(EnumeratorThreads, ConcurrentNextHandsOutEachElementOnce) {
  std::vector<std::u16string> words;
  for (int k = 0; k < 2000; ++k) words.push_back(comkit::detail::utf16_of(std::to_string(k)));
  comkit::com_ptr<IEnumString> e = comkit::make_enumerator<IEnumString>(words);
  std::vector<std::vector<std::u16string>> seen(3);
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t)
    threads.emplace_back([&, t] {
      LPOLESTR got[3];
      ULONG n = 0;
      while (true) {
        const HRESULT hr = e->Next(3, got, &n);
        for (ULONG k = 0; k < n; ++k) {
          seen[t].emplace_back(reinterpret_cast<const char16_t*>(got[k]));
          CoTaskMemFree(got[k]);
        }
        if (hr != S_OK) break;
      }
    });
  for (auto& th : threads) th.join();
  std::vector<std::u16string> all;
  for (auto& v : seen) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  std::vector<std::u16string> expected = words;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(all, expected);
}

// An item that is also an event source, for the raw connection point
// contracts.
struct announcing_item : comkit::implements<announcing_item, IItem, IConnectionPointContainer>,
                         comkit::event_source<announcing_item, IShopEvents> {
  comkit::bstr Name() const { return comkit::bstr(u"bell"); }
  void Name(std::u16string_view) { raise<IShopEvents>([](auto& sink) { sink.Closed(); }); }
  double Price() const { return 0; }
  bool InStock() const {
    raise<IShopEvents>([](auto& sink) { sink.Sold(u"bell", 1); });
    return true;
  }
};

struct counting_sink {
  std::atomic<int>* sold;
  void Sold(std::u16string_view, LONG n) { sold->fetch_add(n); }
};

TEST(Events, ConnectionPointContracts) {
  comkit::com_ptr<IItem> it = comkit::make<announcing_item>();
  comkit::com_ptr<IConnectionPointContainer> c = it.as<IConnectionPointContainer>();
  comkit::com_ptr<IConnectionPoint> cp;
  EXPECT_EQ(c->FindConnectionPoint(IID_IItem, cp.put()), CONNECT_E_NOCONNECTION);
  EXPECT_EQ(cp.get(), nullptr);
  EXPECT_EQ(c->FindConnectionPoint(IID_IShopEvents, nullptr), E_POINTER);
  ASSERT_EQ(c->FindConnectionPoint(IID_IShopEvents, cp.put()), S_OK);
  IID iid{};
  EXPECT_EQ(cp->GetConnectionInterface(&iid), S_OK);
  EXPECT_EQ(iid, IID_IShopEvents);
  comkit::com_ptr<IConnectionPointContainer> back;
  ASSERT_EQ(cp->GetConnectionPointContainer(back.put()), S_OK);
  EXPECT_EQ(back.get(), c.get());
  DWORD cookie = 77;
  EXPECT_EQ(cp->Advise(nullptr, &cookie), E_POINTER);
  EXPECT_EQ(cookie, 0u);
  EXPECT_EQ(cp->Advise(it.get(), &cookie), CONNECT_E_CANNOTCONNECT) << "an IItem is not an IShopEvents sink";
  EXPECT_EQ(cp->Unadvise(12345), CONNECT_E_NOCONNECTION);

  std::atomic<int> sold{0};
  comkit::event_token a = comkit::advise<IShopEvents>(it, counting_sink{&sold});
  comkit::event_token b = comkit::advise<IShopEvents>(it, counting_sink{&sold});
  EXPECT_TRUE(it.InStock());
  EXPECT_EQ(sold.load(), 2);
  comkit::com_ptr<IEnumConnections> conns;
  ASSERT_EQ(cp->EnumConnections(conns.put()), S_OK);
  std::vector<DWORD> cookies;
  for (comkit::connection& k : conns) cookies.push_back(k.cookie);
  EXPECT_EQ(cookies, (std::vector<DWORD>{a.cookie(), b.cookie()}));
  EXPECT_EQ(cp->Unadvise(a.cookie()), S_OK);
  EXPECT_EQ(a.revoke(), CONNECT_E_NOCONNECTION) << "unadvised twice";
  comkit::com_ptr<IEnumConnectionPoints> points;
  ASSERT_EQ(c->EnumConnectionPoints(points.put()), S_OK);
  int n = 0;
  for (comkit::com_ptr<IConnectionPoint>& p : points) n += p.get() == cp.get();
  EXPECT_EQ(n, 1);

  // The point counts on its object: holding only the point keeps it alive.
  announcing_item* self = comkit::get_self<announcing_item>(it);
  it.reset();
  c.reset();
  back.reset();
  EXPECT_TRUE(self->InStock());
  EXPECT_EQ(sold.load(), 3);
  b.revoke();
  cp.reset();  // the last reference: ASan checks the object goes
  try {
    comkit::event_token none = comkit::advise<IShopEvents>(comkit::make<mixed_item>(), counting_sink{&sold});
    FAIL() << "advised an object that is no event source";
  } catch (const comkit::hresult_error& e) {
    EXPECT_EQ(e.code(), E_NOINTERFACE);
  }
}

// A sink that unadvises itself from inside the event it receives: raising
// calls sinks outside the connection point's lock, so this cannot deadlock.
TEST(Events, SinkMayUnadviseDuringAnEvent) {
  comkit::com_ptr<IItem> it = comkit::make<announcing_item>();
  comkit::event_token token;
  int calls = 0;
  token = comkit::advise<IShopEvents>(it, [&](std::u16string_view, LONG) {
    ++calls;
    token.revoke();
  });
  EXPECT_TRUE(it.InStock());
  EXPECT_TRUE(it.InStock());
  EXPECT_EQ(calls, 1);
}

// Advise and Unadvise from two threads while two others raise. What could
// go wrong: the sink list changing under a raise's iteration (TSan reports
// the race; ASan a use after free), or a sink released while a raise still
// calls it. Each raise works on its own snapshot of held references.
TEST(EventThreads, AdviseUnadviseWhileRaising) {
  comkit::com_ptr<IItem> it = comkit::make<announcing_item>();
  std::atomic<int> sold{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&] {
      for (int k = 0; k < 300; ++k) {
        comkit::event_token token = comkit::advise<IShopEvents>(it, counting_sink{&sold});
        if (k % 3 == 0) token.revoke();
      }
    });
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&] {
      while (!stop.load()) (void)it.InStock();
    });
  threads[0].join();
  threads[1].join();
  stop.store(true);
  threads[2].join();
  threads[3].join();
  const int before = sold.load();
  (void)it.InStock();
  EXPECT_EQ(sold.load(), before) << "every token was revoked: nobody listens";
}

}  // namespace
