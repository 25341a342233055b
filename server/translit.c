/*
 * UTF-8 to ASCII transliteration. One pass, one allocation: every
 * replacement is at most as long as the UTF-8 sequence it replaces, so the
 * output fits in len + 1 bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "translit.h"
#include "utf8.h"

/*
 * Replacements for Latin-1 Supplement and Latin Extended-A/B, then Latin
 * Extended Additional (Vietnamese and others): the base letter of the
 * canonical decomposition, a few letters spelled out (ae, ss, th, OE) and
 * look-alikes for the Latin-1 symbols. "" drops the code point (soft
 * hyphen); "?" means no good replacement.
 */
static const char latin[][3] = {  /* U+00A0..U+024F */
	" ", "!", "c", "?", "?", "?", "|", "?",	/* 00A0 */
	"\"", "?", "a", "\"", "?", "", "?", "?",	/* 00A8 */
	"?", "+-", "2", "3", "'", "?", "?", "*",	/* 00B0 */
	",", "1", "o", "\"", "?", "?", "?", "?",	/* 00B8 */
	"A", "A", "A", "A", "A", "A", "AE", "C",	/* 00C0 */
	"E", "E", "E", "E", "I", "I", "I", "I",	/* 00C8 */
	"D", "N", "O", "O", "O", "O", "O", "x",	/* 00D0 */
	"O", "U", "U", "U", "U", "Y", "TH", "ss",	/* 00D8 */
	"a", "a", "a", "a", "a", "a", "ae", "c",	/* 00E0 */
	"e", "e", "e", "e", "i", "i", "i", "i",	/* 00E8 */
	"d", "n", "o", "o", "o", "o", "o", "/",	/* 00F0 */
	"o", "u", "u", "u", "u", "y", "th", "y",	/* 00F8 */
	"A", "a", "A", "a", "A", "a", "C", "c",	/* 0100 */
	"C", "c", "C", "c", "C", "c", "D", "d",	/* 0108 */
	"D", "d", "E", "e", "E", "e", "E", "e",	/* 0110 */
	"E", "e", "E", "e", "G", "g", "G", "g",	/* 0118 */
	"G", "g", "G", "g", "H", "h", "H", "h",	/* 0120 */
	"I", "i", "I", "i", "I", "i", "I", "i",	/* 0128 */
	"I", "i", "IJ", "ij", "J", "j", "K", "k",	/* 0130 */
	"k", "L", "l", "L", "l", "L", "l", "L",	/* 0138 */
	"l", "L", "l", "N", "n", "N", "n", "N",	/* 0140 */
	"n", "'n", "N", "n", "O", "o", "O", "o",	/* 0148 */
	"O", "o", "OE", "oe", "R", "r", "R", "r",	/* 0150 */
	"R", "r", "S", "s", "S", "s", "S", "s",	/* 0158 */
	"S", "s", "T", "t", "T", "t", "T", "t",	/* 0160 */
	"U", "u", "U", "u", "U", "u", "U", "u",	/* 0168 */
	"U", "u", "U", "u", "W", "w", "Y", "y",	/* 0170 */
	"Y", "Z", "z", "Z", "z", "Z", "z", "s",	/* 0178 */
	"?", "?", "?", "?", "?", "?", "?", "?",	/* 0180 */
	"?", "?", "?", "?", "?", "?", "?", "?",	/* 0188 */
	"?", "?", "?", "?", "?", "?", "?", "?",	/* 0190 */
	"?", "?", "?", "?", "?", "?", "?", "?",	/* 0198 */
	"O", "o", "?", "?", "?", "?", "?", "?",	/* 01A0 */
	"?", "?", "?", "?", "?", "?", "?", "U",	/* 01A8 */
	"u", "?", "?", "?", "?", "?", "?", "?",	/* 01B0 */
	"?", "?", "?", "?", "?", "?", "?", "?",	/* 01B8 */
	"?", "?", "?", "?", "DZ", "Dz", "dz", "LJ",	/* 01C0 */
	"Lj", "lj", "NJ", "Nj", "nj", "A", "a", "I",	/* 01C8 */
	"i", "O", "o", "U", "u", "U", "u", "U",	/* 01D0 */
	"u", "U", "u", "U", "u", "?", "A", "a",	/* 01D8 */
	"A", "a", "?", "?", "?", "?", "G", "g",	/* 01E0 */
	"K", "k", "O", "o", "O", "o", "?", "?",	/* 01E8 */
	"j", "DZ", "Dz", "dz", "G", "g", "?", "?",	/* 01F0 */
	"N", "n", "A", "a", "?", "?", "?", "?",	/* 01F8 */
	"A", "a", "A", "a", "E", "e", "E", "e",	/* 0200 */
	"I", "i", "I", "i", "O", "o", "O", "o",	/* 0208 */
	"R", "r", "R", "r", "U", "u", "U", "u",	/* 0210 */
	"S", "s", "T", "t", "?", "?", "H", "h",	/* 0218 */
	"?", "?", "?", "?", "?", "?", "A", "a",	/* 0220 */
	"E", "e", "O", "o", "O", "o", "O", "o",	/* 0228 */
	"O", "o", "Y", "y", "?", "?", "?", "?",	/* 0230 */
	"?", "?", "?", "?", "?", "?", "?", "?",	/* 0238 */
	"?", "?", "?", "?", "?", "?", "?", "?",	/* 0240 */
	"?", "?", "?", "?", "?", "?", "?", "?",	/* 0248 */
};
static const char latin_add[][3] = {  /* U+1E00..U+1EFF */
	"A", "a", "B", "b", "B", "b", "B", "b",	/* 1E00 */
	"C", "c", "D", "d", "D", "d", "D", "d",	/* 1E08 */
	"D", "d", "D", "d", "E", "e", "E", "e",	/* 1E10 */
	"E", "e", "E", "e", "E", "e", "F", "f",	/* 1E18 */
	"G", "g", "H", "h", "H", "h", "H", "h",	/* 1E20 */
	"H", "h", "H", "h", "I", "i", "I", "i",	/* 1E28 */
	"K", "k", "K", "k", "K", "k", "L", "l",	/* 1E30 */
	"L", "l", "L", "l", "L", "l", "M", "m",	/* 1E38 */
	"M", "m", "M", "m", "N", "n", "N", "n",	/* 1E40 */
	"N", "n", "N", "n", "O", "o", "O", "o",	/* 1E48 */
	"O", "o", "O", "o", "P", "p", "P", "p",	/* 1E50 */
	"R", "r", "R", "r", "R", "r", "R", "r",	/* 1E58 */
	"S", "s", "S", "s", "S", "s", "S", "s",	/* 1E60 */
	"S", "s", "T", "t", "T", "t", "T", "t",	/* 1E68 */
	"T", "t", "U", "u", "U", "u", "U", "u",	/* 1E70 */
	"U", "u", "U", "u", "V", "v", "V", "v",	/* 1E78 */
	"W", "w", "W", "w", "W", "w", "W", "w",	/* 1E80 */
	"W", "w", "X", "x", "X", "x", "Y", "y",	/* 1E88 */
	"Z", "z", "Z", "z", "Z", "z", "h", "t",	/* 1E90 */
	"w", "y", "?", "s", "?", "?", "?", "?",	/* 1E98 */
	"A", "a", "A", "a", "A", "a", "A", "a",	/* 1EA0 */
	"A", "a", "A", "a", "A", "a", "A", "a",	/* 1EA8 */
	"A", "a", "A", "a", "A", "a", "A", "a",	/* 1EB0 */
	"E", "e", "E", "e", "E", "e", "E", "e",	/* 1EB8 */
	"E", "e", "E", "e", "E", "e", "E", "e",	/* 1EC0 */
	"I", "i", "I", "i", "O", "o", "O", "o",	/* 1EC8 */
	"O", "o", "O", "o", "O", "o", "O", "o",	/* 1ED0 */
	"O", "o", "O", "o", "O", "o", "O", "o",	/* 1ED8 */
	"O", "o", "O", "o", "U", "u", "U", "u",	/* 1EE0 */
	"U", "u", "U", "u", "U", "u", "U", "u",	/* 1EE8 */
	"U", "u", "Y", "y", "Y", "y", "Y", "y",	/* 1EF0 */
	"Y", "y", "?", "?", "?", "?", "?", "?",	/* 1EF8 */
};

/* Punctuation and spaces from the General Punctuation block and nearby. */
static const char *
punct(uint32_t cp)
{
	switch (cp) {
	case 0x2000: case 0x2001: case 0x2002: case 0x2003: case 0x2004:
	case 0x2005: case 0x2006: case 0x2007: case 0x2008: case 0x2009:
	case 0x200a: case 0x202f: case 0x205f: case 0x3000:
		return " ";
	case 0x200b: case 0x200c: case 0x200d: case 0x2060: case 0xfeff:
		return "";		/* zero width, byte-order mark */
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2043:
	case 0x2212:
		return "-";
	case 0x2014: case 0x2015:
		return "--";
	case 0x2018: case 0x2019: case 0x201a: case 0x201b: case 0x2032:
	case 0x02bc:
		return "'";
	case 0x201c: case 0x201d: case 0x201e: case 0x201f: case 0x2033:
		return "\"";
	case 0x2039:
		return "<";
	case 0x203a:
		return ">";
	case 0x2022: case 0x2023: case 0x2024: case 0x2027: case 0x2219:
	case 0x25cf: case 0x25e6:
		return "*";
	case 0x2026:
		return "...";
	case 0x2044: case 0x2215:
		return "/";
	case 0xfb00:
		return "ff";
	case 0xfb01:
		return "fi";
	case 0xfb02:
		return "fl";
	default:
		return NULL;
	}
}

/* Combining marks follow a base letter that has already been written. */
static int
combining(uint32_t cp)
{
	return (cp >= 0x0300 && cp <= 0x036f) ||
	    (cp >= 0x1ab0 && cp <= 0x1aff) ||
	    (cp >= 0x1dc0 && cp <= 0x1dff) ||
	    (cp >= 0x20d0 && cp <= 0x20ff) ||
	    (cp >= 0xfe20 && cp <= 0xfe2f);
}

static const char *
replacement(uint32_t cp)
{
	const char	*r;

	if (cp >= 0xa0 && cp <= 0x24f)
		return latin[cp - 0xa0];
	if (cp >= 0x1e00 && cp <= 0x1eff)
		return latin_add[cp - 0x1e00];
	if (combining(cp))
		return "";
	if ((r = punct(cp)) != NULL)
		return r;
	return "?";
}

const char *
translit_latin(uint32_t cp)
{
	const char	*r;

	if (cp >= 0xc0 && cp <= 0x24f && cp != 0xd7 && cp != 0xf7)
		r = latin[cp - 0xa0];
	else if (cp >= 0x1e00 && cp <= 0x1eff)
		r = latin_add[cp - 0x1e00];
	else
		return NULL;
	/* "?" (no spelling known) and "'n" are not letters. */
	return (r[0] >= 'A' && r[0] <= 'Z') || (r[0] >= 'a' && r[0] <= 'z') ?
	    r : NULL;
}

char *
translit_ascii(const char *s, size_t len, size_t *outlen)
{
	const char	*r;
	char		*out;
	size_t		 i = 0, o = 0, rlen;
	uint32_t	 cp;
	int		 n;

	if (len == SIZE_MAX || (out = malloc(len + 1)) == NULL)
		return NULL;
	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			out[o++] = s[i++];
			continue;
		}
		if ((n = utf8_decode(s + i, len - i, &cp)) < 0) {
			out[o++] = '?';
			i++;
			continue;
		}
		r = replacement(cp);
		rlen = strlen(r);
		/* The tables keep this true; the check keeps it safe. */
		if (rlen > (size_t)n)
			rlen = (size_t)n;
		memcpy(out + o, r, rlen);
		o += rlen;
		i += (size_t)n;
	}
	out[o] = '\0';
	if (outlen != NULL)
		*outlen = o;
	return out;
}
