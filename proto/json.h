/* proto/json.h: any protobuf-c message as JSON text, generated from its
 * descriptors, so a program's JSON output and its protobuf output come from
 * one schema and cannot disagree (proto/README.md has the rules).
 *
 * The mapping is protobuf's JSON mapping with the proto field names kept
 * (no lowerCamelCase), every field printed (defaults included) and 64-bit
 * integers printed as numbers, not strings; doubles are the shortest
 * decimal that reads back as the same double. The layout: the top-level
 * message has one field per line; a repeated message field at the top
 * level has one element per line; everything deeper is on one line.
 */
#ifndef PROTO_JSON_H
#define PROTO_JSON_H

#include <stdio.h>

#include <protobuf-c/protobuf-c.h>

/* Writes msg to f as a JSON object followed by a newline. 0, or -EIO when
 * writing to f failed, -ENOMEM when out of memory. */
int proto_json_write(FILE *f, const ProtobufCMessage *msg);

/* Writes s (NULL: empty) as a JSON string literal, quotes and escapes
 * included. */
void proto_json_string(FILE *f, const char *s);

#endif
