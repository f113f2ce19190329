/* vectors.h - load the JSON test vectors in tests/vectors (cJSON). */
#ifndef IMS_VECTORS_H
#define IMS_VECTORS_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

/* Parses tests/vectors/<name> (IMS_VECTOR_DIR is set by CMake); exits 2 when
 * the file is missing or malformed (a test without its vectors must fail). */
cJSON	*vec_load(const char *name);
/* The string member `key` of obj, or exit 2 when it is absent. */
const char *vec_str(const cJSON *obj, const char *key);
/* Decodes a hex member into out (exactly len bytes) or exits 2. */
void	vec_hex(const cJSON *obj, const char *key, uint8_t *out, size_t len);
/* Decodes a hex member of any length up to max; returns its length. */
size_t	vec_hexvar(const cJSON *obj, const char *key, uint8_t *out, size_t max);

#endif
