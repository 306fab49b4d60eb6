/* proto/json.c: protobuf-c messages as JSON, walking the message and field
 * descriptors (see proto/json.h for the mapping and the layout). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/json.h"

static int write_message(FILE *f, const ProtobufCMessageDescriptor *d, const ProtobufCMessage *msg,
			 int depth);

void proto_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* protobuf's JSON form of bytes: standard base64 with padding. */
static void write_bytes(FILE *f, const ProtobufCBinaryData *b)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	fputc('"', f);
	for (size_t i = 0; i < b->len; i += 3) {
		uint32_t v = (uint32_t)b->data[i] << 16;
		if (i + 1 < b->len)
			v |= (uint32_t)b->data[i + 1] << 8;
		if (i + 2 < b->len)
			v |= b->data[i + 2];
		fputc(b64[v >> 18 & 63], f);
		fputc(b64[v >> 12 & 63], f);
		fputc(i + 1 < b->len ? b64[v >> 6 & 63] : '=', f);
		fputc(i + 2 < b->len ? b64[v & 63] : '=', f);
	}
	fputc('"', f);
}

/* The shortest %g form (at most `digits` significant digits) that reads back
 * as v; protobuf's strings for the values JSON has no number for. */
static void write_real(FILE *f, double v, int digits, bool is_float)
{
	if (isnan(v)) {
		fputs("\"NaN\"", f);
		return;
	}
	if (isinf(v)) {
		fputs(v < 0 ? "\"-Infinity\"" : "\"Infinity\"", f);
		return;
	}
	char buf[40];
	for (int p = 1; p <= digits; p++) {
		snprintf(buf, sizeof(buf), "%.*g", p, v);
		double back = strtod(buf, NULL);
		if (is_float ? (float)back == (float)v : back == v)
			break;
	}
	fputs(buf, f);
}

/* One value of field fd at p (an element of the array for a repeated
 * field); depth: the value's own (1 for a field of the top level). */
static int write_value(FILE *f, const ProtobufCFieldDescriptor *fd, const void *p, int depth)
{
	switch (fd->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32: fprintf(f, "%" PRId32, *(const int32_t *)p); break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32: fprintf(f, "%" PRIu32, *(const uint32_t *)p); break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64: fprintf(f, "%" PRId64, *(const int64_t *)p); break;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64: fprintf(f, "%" PRIu64, *(const uint64_t *)p); break;
	case PROTOBUF_C_TYPE_FLOAT: write_real(f, *(const float *)p, 9, true); break;
	case PROTOBUF_C_TYPE_DOUBLE: write_real(f, *(const double *)p, 17, false); break;
	case PROTOBUF_C_TYPE_BOOL:
		fputs(*(const protobuf_c_boolean *)p ? "true" : "false", f);
		break;
	case PROTOBUF_C_TYPE_ENUM: {
		int v = *(const int *)p;
		const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(
			(const ProtobufCEnumDescriptor *)fd->descriptor, v);
		if (ev)
			proto_json_string(f, ev->name);
		else
			fprintf(f, "%d", v); /* a value this schema does not know */
		break;
	}
	case PROTOBUF_C_TYPE_STRING: proto_json_string(f, *(char *const *)p); break;
	case PROTOBUF_C_TYPE_BYTES: write_bytes(f, (const ProtobufCBinaryData *)p); break;
	case PROTOBUF_C_TYPE_MESSAGE:
		return write_message(f, (const ProtobufCMessageDescriptor *)fd->descriptor,
				     *(ProtobufCMessage *const *)p, depth);
	}
	return 0;
}

static size_t value_size(const ProtobufCFieldDescriptor *fd)
{
	switch (fd->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32: return sizeof(int32_t);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64: return sizeof(int64_t);
	case PROTOBUF_C_TYPE_FLOAT: return sizeof(float);
	case PROTOBUF_C_TYPE_DOUBLE: return sizeof(double);
	case PROTOBUF_C_TYPE_BOOL: return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_ENUM: return sizeof(int);
	case PROTOBUF_C_TYPE_STRING: return sizeof(char *);
	case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_MESSAGE: return sizeof(ProtobufCMessage *);
	}
	return 0;
}

/* A map field: protoc turns `map<K, V> name` into a repeated message
 * NameEntry {K key = 1; V value = 2;}; JSON has it as an object. */
static bool is_map(const ProtobufCFieldDescriptor *fd)
{
	if (fd->label != PROTOBUF_C_LABEL_REPEATED || fd->type != PROTOBUF_C_TYPE_MESSAGE)
		return false;
	const ProtobufCMessageDescriptor *e = fd->descriptor;
	size_t len = strlen(e->name);
	return e->n_fields == 2 && len >= 5 && !strcmp(e->name + len - 5, "Entry") &&
	       e->fields[0].id == 1 && !strcmp(e->fields[0].name, "key") && e->fields[1].id == 2 &&
	       !strcmp(e->fields[1].name, "value");
}

static int write_map(FILE *f, const ProtobufCFieldDescriptor *fd, ProtobufCMessage *const *entries,
		     size_t n, int depth)
{
	const ProtobufCMessageDescriptor *e = fd->descriptor;
	const ProtobufCFieldDescriptor *kf = &e->fields[0], *vf = &e->fields[1];
	fputc('{', f);
	for (size_t i = 0; i < n; i++) {
		const char *entry = (const char *)entries[i];
		fputs(i ? ", " : "", f);
		if (kf->type == PROTOBUF_C_TYPE_STRING) {
			proto_json_string(f, *(char *const *)(entry + kf->offset));
		} else { /* JSON keys are strings: "12", "true" */
			fputc('"', f);
			write_value(f, kf, entry + kf->offset, depth + 1);
			fputc('"', f);
		}
		fputs(": ", f);
		int rc = write_value(f, vf, entry + vf->offset, depth + 1);
		if (rc)
			return rc;
	}
	fputc('}', f);
	return 0;
}

/* A repeated field: one element per line for messages at the top level,
 * else on one line. */
static int write_array(FILE *f, const ProtobufCFieldDescriptor *fd, const char *arr, size_t n,
		       int depth)
{
	bool lines = depth == 0 && fd->type == PROTOBUF_C_TYPE_MESSAGE && n;
	size_t size = value_size(fd);
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? (lines ? ",\n    " : ", ") : (lines ? "\n    " : ""), f);
		int rc = write_value(f, fd, arr + i * size, depth + 1);
		if (rc)
			return rc;
	}
	fputs(lines ? "\n  ]" : "]", f);
	return 0;
}

/* msg NULL (an unset message field): the message with every field at its
 * default. depth 0 is the top level. */
static int write_message(FILE *f, const ProtobufCMessageDescriptor *d, const ProtobufCMessage *msg,
			 int depth)
{
	void *dflt = NULL;
	if (!msg) {
		if (!(dflt = malloc(d->sizeof_message)))
			return -ENOMEM;
		d->message_init(dflt);
		msg = dflt;
	}
	const char *base = (const char *)msg;
	const char *sep = depth ? ", " : ",\n  ";
	fputc('{', f);
	bool first = true;
	int rc = 0;
	for (unsigned i = 0; i < d->n_fields && !rc; i++) {
		const ProtobufCFieldDescriptor *fd = &d->fields[i];
		if ((fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    *(const uint32_t *)(base + fd->quantifier_offset) != fd->id)
			continue; /* another member of the oneof is set */
		fputs(first ? (depth ? "" : "\n  ") : sep, f);
		first = false;
		proto_json_string(f, fd->name);
		fputs(": ", f);
		if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)(base + fd->quantifier_offset);
			const char *arr = *(char *const *)(base + fd->offset);
			rc = is_map(fd) ? write_map(f, fd, (ProtobufCMessage *const *)arr, n, depth)
					: write_array(f, fd, arr, n, depth);
		} else {
			rc = write_value(f, fd, base + fd->offset, depth + 1);
		}
	}
	fputs(depth || first ? "}" : "\n}", f);
	free(dflt);
	return rc;
}

int proto_json_write(FILE *f, const ProtobufCMessage *msg)
{
	int rc = write_message(f, msg->descriptor, msg, 0);
	fputc('\n', f);
	if (rc)
		return rc;
	return ferror(f) ? -EIO : 0;
}
