// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobar-bind: a small JSON reader (RFC 8259) for the SR-IOV device
 * plugin's PCIDEVICE_<RESOURCE>_INFO: the whole grammar, into a tree of
 * vb_json nodes; strings unescaped to UTF-8, numbers kept as written.
 */
#include <stdlib.h>
#include <string.h>

#include "bind.h"

#define MAX_NESTING 32

struct reader {
	const char *p;
	char *why;
	size_t len;
	bool failed;
};

static void *bad(struct reader *r, const char *what)
{
	if (!r->failed)
		vb_fail(r->why, r->len, "%s at '%.12s'", what, r->p);
	r->failed = true;
	return NULL;
}

static void skip_space(struct reader *r)
{
	while (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')
		r->p++;
}

static int hex4(const char *s)
{
	int v = 0, i, d;

	for (i = 0; i < 4; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			d = s[i] - '0';
		else if (s[i] >= 'a' && s[i] <= 'f')
			d = s[i] - 'a' + 10;
		else if (s[i] >= 'A' && s[i] <= 'F')
			d = s[i] - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static size_t put_utf8(char *o, unsigned long c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (c >> 18));
	o[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* a string at r->p (its opening quote), unescaped into a new buffer */
static char *read_string(struct reader *r)
{
	const char *s = r->p + 1, *start = s;
	char *out, *o;
	int hi, lo;

	/* the unescaped text is never longer than the escaped one */
	while (*s && *s != '"')
		s += *s == '\\' && s[1] ? 2 : 1;
	if (*s != '"')
		return bad(r, "an unterminated string");
	out = malloc((size_t)(s - start) + 1);
	if (!out)
		return bad(r, "out of memory");
	for (o = out, s = start; *s != '"';) {
		if ((unsigned char)*s < 0x20) {
			free(out);
			r->p = s;
			return bad(r, "a control character in a string");
		}
		if (*s != '\\') {
			*o++ = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case '"':
		case '\\':
		case '/':
			*o++ = *s++;
			continue;
		case 'b':
			*o++ = '\b';
			break;
		case 'f':
			*o++ = '\f';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u':
			hi = hex4(s + 1);
			if (hi < 0)
				goto bad_escape;
			s += 4;
			if (hi >= 0xd800 && hi < 0xdc00) {
				/* a surrogate pair: \uD8xx\uDCxx */
				if (s[1] != '\\' || s[2] != 'u')
					goto bad_escape;
				lo = hex4(s + 3);
				if (lo < 0xdc00 || lo > 0xdfff)
					goto bad_escape;
				s += 6;
				o += put_utf8(
					o,
					0x10000 +
						(((unsigned long)hi - 0xd800)
						 << 10) +
						((unsigned long)lo - 0xdc00));
			} else if (hi >= 0xdc00 && hi <= 0xdfff) {
				goto bad_escape;
			} else if (!hi) {
				/* a NUL would cut the string short */
				goto bad_escape;
			} else {
				o += put_utf8(o, (unsigned long)hi);
			}
			break;
		default:
			goto bad_escape;
		}
		s++;
	}
	*o = '\0';
	r->p = s + 1;
	return out;
bad_escape:
	free(out);
	r->p = s;
	return bad(r, "a bad escape");
}

static bool read_number(struct reader *r)
{
	const char *s = r->p;

	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return false;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	r->p = s;
	return true;
}

static struct vb_json *read_value(struct reader *r, int depth);

/* the elements of an array or the members of an object, after the bracket */
static bool read_items(struct reader *r, struct vb_json *j, int depth,
		       char close)
{
	struct vb_json **tail = &j->child, *v;
	char *key = NULL;

	skip_space(r);
	if (*r->p == close) {
		r->p++;
		return true;
	}
	for (;;) {
		skip_space(r);
		if (close == '}') {
			if (*r->p != '"')
				return bad(r, "a member name expected");
			key = read_string(r);
			if (!key)
				return false;
			skip_space(r);
			if (*r->p != ':') {
				free(key);
				return bad(r, "':' expected");
			}
			r->p++;
		}
		v = read_value(r, depth + 1);
		if (!v) {
			free(key);
			return false;
		}
		v->key = key;
		key = NULL;
		*tail = v;
		tail = &v->next;
		skip_space(r);
		if (*r->p == close) {
			r->p++;
			return true;
		}
		if (*r->p != ',')
			return bad(r, close == '}' ? "',' or '}' expected" :
						     "',' or ']' expected");
		r->p++;
	}
}

static struct vb_json *read_value(struct reader *r, int depth)
{
	static const char *const words[] = { "true", "false", "null" };
	const char *start;
	struct vb_json *j;
	unsigned int i;
	bool ok = true;

	if (depth > MAX_NESTING)
		return bad(r, "nested too deep");
	skip_space(r);
	j = calloc(1, sizeof(*j));
	if (!j)
		return bad(r, "out of memory");
	start = r->p;
	switch (*r->p) {
	case '{':
	case '[':
		j->type = *r->p == '{' ? VB_JSON_OBJECT : VB_JSON_ARRAY;
		r->p++;
		ok = read_items(r, j, depth,
				j->type == VB_JSON_OBJECT ? '}' : ']');
		break;
	case '"':
		j->type = VB_JSON_STRING;
		j->str = read_string(r);
		ok = j->str != NULL;
		break;
	default:
		for (i = 0; i < 3; i++)
			if (!strncmp(r->p, words[i], strlen(words[i])))
				break;
		if (i < 3) {
			j->type = i < 2 ? VB_JSON_BOOL : VB_JSON_NULL;
			r->p += strlen(words[i]);
		} else if (read_number(r)) {
			j->type = VB_JSON_NUMBER;
		} else {
			ok = bad(r, "a value expected") != NULL;
			break;
		}
		j->str = strndup(start, (size_t)(r->p - start));
		ok = j->str != NULL || bad(r, "out of memory");
	}
	if (!ok) {
		vb_json_free(j);
		return NULL;
	}
	return j;
}

struct vb_json *vb_json_parse(const char *text, char *why, size_t len)
{
	struct reader r = { text, why, len, false };
	struct vb_json *j = read_value(&r, 0);

	if (!j)
		return NULL;
	skip_space(&r);
	if (*r.p) {
		vb_json_free(j);
		return bad(&r, "text after the value");
	}
	return j;
}

void vb_json_free(struct vb_json *j)
{
	struct vb_json *next;

	for (; j; j = next) {
		next = j->next;
		vb_json_free(j->child);
		free(j->key);
		free(j->str);
		free(j);
	}
}

const struct vb_json *vb_json_member(const struct vb_json *j, const char *key)
{
	const struct vb_json *m;

	if (!j || j->type != VB_JSON_OBJECT)
		return NULL;
	for (m = j->child; m; m = m->next)
		if (!strcmp(m->key, key))
			return m;
	return NULL;
}
