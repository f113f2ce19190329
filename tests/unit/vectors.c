/* vectors.c - JSON vector loading for the unit tests. */
#include <stdio.h>
#include <stdlib.h>

#include "util.h"
#include "vectors.h"

cJSON *
vec_load(const char *name)
{
	char path[1024];
	FILE *f;
	char *buf;
	long n;
	cJSON *root;

	snprintf(path, sizeof(path), "%s/%s", IMS_VECTOR_DIR, name);
	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	if (n <= 0 || (buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "%s: cannot read\n", path);
		exit(2);
	}
	buf[n] = '\0';
	fclose(f);
	if ((root = cJSON_Parse(buf)) == NULL) {
		fprintf(stderr, "%s: malformed JSON\n", path);
		exit(2);
	}
	free(buf);
	return root;
}

const char *
vec_str(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!cJSON_IsString(it)) {
		fprintf(stderr, "vector: no string member \"%s\"\n", key);
		exit(2);
	}
	return it->valuestring;
}

void
vec_hex(const cJSON *obj, const char *key, uint8_t *out, size_t len)
{
	if (hex_decode(vec_str(obj, key), out, len) < 0) {
		fprintf(stderr, "vector: \"%s\" is not %zu hex bytes\n", key, len);
		exit(2);
	}
}

size_t
vec_hexvar(const cJSON *obj, const char *key, uint8_t *out, size_t max)
{
	size_t n;

	if (hex_decode_var(vec_str(obj, key), out, max, &n) < 0) {
		fprintf(stderr, "vector: \"%s\" is not hex (max %zu)\n", key, max);
		exit(2);
	}
	return n;
}
