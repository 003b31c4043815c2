/* tests/activation/no_exports.c - a shared library that is not a COM server. */
int comkit_test_not_a_server(void) { return 1; }
