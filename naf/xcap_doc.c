/* xcap_doc.c - element operations on an XCAP document (RFC 4825 7, 8.2)
 * over libxml2. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "xcap_doc.h"

#define XCAP_PARSE_OPTS	(XML_PARSE_NONET | XML_PARSE_NOERROR | \
			    XML_PARSE_NOWARNING)
#define XCAP_SEL_MAX	2	/* we only need to know: 0, 1 or more */

static void
xcap_xml_silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void
xcap_xml_silent_s(void *ctx, const xmlError *err)
{
	(void)ctx;
	(void)err;
}

void
xcap_doc_init(void)
{
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, xcap_xml_silent);
	xmlSetStructuredErrorFunc(NULL, (xmlStructuredErrorFunc)
	    xcap_xml_silent_s);
}

/* A document without a DTD (no entity can be declared), or NULL. */
static xmlDoc *
parse(const char *buf, size_t len)
{
	xmlDoc *d;

	if (len > INT32_MAX)
		return NULL;
	d = xmlReadMemory(buf, (int)len, NULL, NULL, XCAP_PARSE_OPTS);
	if (d == NULL)
		return NULL;
	if (d->intSubset != NULL || d->extSubset != NULL ||
	    xmlDocGetRootElement(d) == NULL) {
		xmlFreeDoc(d);
		return NULL;
	}
	return d;
}

int
xcap_doc_check(const char *body, size_t len, const char *root)
{
	xmlDoc *d;
	xmlNode *r;
	int rc = 0;

	if ((d = parse(body, len)) == NULL)
		return -EINVAL;
	r = xmlDocGetRootElement(d);
	if (root != NULL && strcmp((const char *)r->name, root) != 0)
		rc = -EPROTO;
	xmlFreeDoc(d);
	return rc;
}

static int
name_match(const xmlNode *n, const struct xcap_step *st)
{
	return n->type == XML_ELEMENT_NODE && (strcmp(st->name, "*") == 0 ||
	    strcmp((const char *)n->name, st->name) == 0);
}

static int
attr_match(xmlNode *n, const struct xcap_step *st)
{
	xmlChar *v;
	int ok;

	if (!st->has_attr)
		return 1;
	/* The attribute by local name, in no namespace (RFC 4825 6.3:
	 * unprefixed attribute names have no namespace). */
	if ((v = xmlGetNoNsProp(n, (const xmlChar *)st->attr)) == NULL)
		return 0;
	ok = strcmp((const char *)v, st->value) == 0;
	xmlFree(v);
	return ok;
}

/* The children of `parent` (the document's root when parent is NULL) that
 * step st selects: up to XCAP_SEL_MAX in out, the count returned. */
static size_t
step_select(xmlDoc *d, xmlNode *parent, const struct xcap_step *st,
    xmlNode **out)
{
	xmlNode *c;
	unsigned k = 0;
	size_t n = 0;

	c = parent == NULL ? xmlDocGetRootElement(d) : parent->children;
	for (; c != NULL; c = parent == NULL ? NULL : c->next) {
		if (!name_match(c, st))
			continue;
		k++;
		if (st->pos != 0 && k != st->pos)
			continue;
		if (!attr_match(c, st))
			continue;
		if (n < XCAP_SEL_MAX)
			out[n] = c;
		n++;
	}
	return n;
}

/* The element the first `nsteps` steps select (NULL: the document node,
 * nsteps 0): 0 or -ENOENT. */
static int
select_path(xmlDoc *d, const struct xcap_path *p, size_t nsteps,
    xmlNode **res)
{
	xmlNode *cur = NULL, *m[XCAP_SEL_MAX];
	size_t i;

	for (i = 0; i < nsteps; i++) {
		if (step_select(d, cur, &p->steps[i], m) != 1)
			return -ENOENT;
		cur = m[0];
	}
	*res = cur;
	return 0;
}

static int
dump(xmlDoc *d, char **out, size_t *outlen)
{
	xmlChar *mem = NULL;
	int size = 0;

	xmlDocDumpMemoryEnc(d, &mem, &size, "UTF-8");
	if (mem == NULL || size < 0) {
		xmlFree(mem);
		return -ENOMEM;
	}
	if ((*out = malloc((size_t)size + 1)) == NULL) {
		xmlFree(mem);
		return -ENOMEM;
	}
	memcpy(*out, mem, (size_t)size);
	(*out)[size] = '\0';
	*outlen = (size_t)size;
	xmlFree(mem);
	return 0;
}

int
xcap_el_get(const char *doc, size_t len, const struct xcap_path *p,
    char **out, size_t *outlen)
{
	xmlDoc *d, *nd = NULL;
	xmlNode *el, *copy;
	xmlBuffer *b = NULL;
	int rc;

	if ((d = parse(doc, len)) == NULL)
		return -EIO;
	if ((rc = select_path(d, p, p->nsteps, &el)) < 0 || el == NULL) {
		rc = -ENOENT;
		goto out;
	}
	/* A copy in a document of its own, so that the namespace
	 * declarations of its ancestors are declared on it. */
	rc = -ENOMEM;
	if ((nd = xmlNewDoc((const xmlChar *)"1.0")) == NULL ||
	    (copy = xmlDocCopyNode(el, nd, 1)) == NULL)
		goto out;
	(void)xmlDocSetRootElement(nd, copy);
	(void)xmlReconciliateNs(nd, copy);
	if ((b = xmlBufferCreate()) == NULL || xmlNodeDump(b, nd, copy, 0,
	    0) < 0)
		goto out;
	if ((*out = malloc((size_t)xmlBufferLength(b) + 1)) == NULL)
		goto out;
	memcpy(*out, xmlBufferContent(b), (size_t)xmlBufferLength(b));
	(*out)[xmlBufferLength(b)] = '\0';
	*outlen = (size_t)xmlBufferLength(b);
	rc = 0;
out:
	if (b != NULL)
		xmlBufferFree(b);
	if (nd != NULL)
		xmlFreeDoc(nd);
	xmlFreeDoc(d);
	return rc;
}

/* Elements of the new subtree without a namespace take the default
 * namespace in scope at the parent (RFC 4825 8.2.3: the body is
 * interpreted in the document's namespace context). */
static void
adopt_ns(xmlNode *n, xmlNs *dflt)
{
	xmlNode *c;

	if (n->type != XML_ELEMENT_NODE)
		return;
	if (n->ns == NULL && dflt != NULL && !xmlSearchNs(n->doc, n, NULL))
		xmlSetNs(n, dflt);
	for (c = n->children; c != NULL; c = c->next)
		adopt_ns(c, dflt);
}

/* The new element must be selected by the last step again (RFC 4825
 * 8.2.3: idempotency): its name and the attribute of the predicate. */
static int
fits_step(xmlNode *n, const struct xcap_step *st)
{
	return name_match(n, st) && attr_match(n, st);
}

/* Insert el as the st->pos-th child of its name under parent: only right
 * after the last existing one (RFC 4825 8.2.3 leaves no gap). */
static int
insert_at(xmlNode *parent, xmlNode *el, const struct xcap_step *st)
{
	xmlNode *c, *last = NULL;
	unsigned k = 0;

	for (c = parent->children; c != NULL; c = c->next)
		if (name_match(c, st)) {
			k++;
			last = c;
		}
	if (st->pos != 0 && st->pos != k + 1)
		return -EPROTO;
	if (last != NULL && st->pos != 0)
		return xmlAddNextSibling(last, el) != NULL ? 0 : -ENOMEM;
	return xmlAddChild(parent, el) != NULL ? 0 : -ENOMEM;
}

int
xcap_el_put(const char *doc, size_t len, const struct xcap_path *p,
    const char *body, size_t blen, char **out, size_t *outlen, int *created)
{
	xmlDoc *d, *bd = NULL;
	xmlNode *parent, *m[XCAP_SEL_MAX], *el = NULL, *broot;
	const struct xcap_step *last;
	size_t n;
	int rc;

	*created = 0;
	if (p->nsteps == 0)
		return -EINVAL;
	last = &p->steps[p->nsteps - 1];
	if ((bd = parse(body, blen)) == NULL)
		return -EINVAL;
	if ((d = parse(doc, len)) == NULL) {
		xmlFreeDoc(bd);
		return -EIO;
	}
	broot = xmlDocGetRootElement(bd);
	rc = -EPROTO;
	if (!fits_step(broot, last))
		goto out;
	if (select_path(d, p, p->nsteps - 1, &parent) < 0) {
		rc = -ENXIO;
		goto out;
	}
	n = step_select(d, parent, last, m);
	if (n > 1 || (parent == NULL && n == 0))
		goto out;	/* ambiguous; a second root */
	rc = -ENOMEM;
	if ((el = xmlDocCopyNode(broot, d, 1)) == NULL)
		goto out;
	if (n == 1) {
		adopt_ns(el, m[0]->parent != NULL && m[0]->parent->type ==
		    XML_ELEMENT_NODE ? xmlSearchNs(d, m[0]->parent, NULL) :
		    NULL);
		(void)xmlReplaceNode(m[0], el);
		xmlFreeNode(m[0]);
	} else {
		adopt_ns(el, xmlSearchNs(d, parent, NULL));
		if ((rc = insert_at(parent, el, last)) < 0)
			goto out;
		*created = 1;
	}
	el = NULL;
	(void)xmlReconciliateNs(d, xmlDocGetRootElement(d));
	rc = dump(d, out, outlen);
out:
	if (el != NULL)
		xmlFreeNode(el);
	xmlFreeDoc(bd);
	xmlFreeDoc(d);
	return rc;
}

int
xcap_el_delete(const char *doc, size_t len, const struct xcap_path *p,
    char **out, size_t *outlen)
{
	xmlDoc *d;
	xmlNode *el;
	int rc;

	if ((d = parse(doc, len)) == NULL)
		return -EIO;
	if ((rc = select_path(d, p, p->nsteps, &el)) < 0 || el == NULL) {
		rc = -ENOENT;
		goto out;
	}
	if (el == xmlDocGetRootElement(d)) {
		rc = -EPROTO;	/* RFC 4825 8.2.5: no document without root */
		goto out;
	}
	xmlUnlinkNode(el);
	xmlFreeNode(el);
	rc = dump(d, out, outlen);
out:
	xmlFreeDoc(d);
	return rc;
}
