/* The library dlstorm.c loads and unloads. */
int plugin_value(int x) { return x * 2 + 1; }
