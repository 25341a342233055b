/* Tests for the resource directory loader (run from the repository root). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "directory.h"
#include "log.h"

struct fixture {
	char	 dir[64];
	char	 ini[128];	/* dir/resources.ini */
	char	 log[128];	/* dir/log */
	char	*logtext;	/* what the last load logged */
};

static int
setup(void **state)
{
	struct fixture	*fx;

	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	strcpy(fx->dir, "/tmp/test_directory.XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	snprintf(fx->ini, sizeof(fx->ini), "%s/resources.ini", fx->dir);
	snprintf(fx->log, sizeof(fx->log), "%s/log", fx->dir);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;

	log_close();
	unlink(fx->ini);
	unlink(fx->log);
	rmdir(fx->dir);
	free(fx->logtext);
	free(fx);
	return 0;
}

static void
write_ini(struct fixture *fx, const char *text)
{
	FILE	*f;

	assert_non_null(f = fopen(fx->ini, "w"));
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static char *
slurp(const char *path)
{
	FILE	*f;
	char	*s;
	long	 n;

	assert_non_null(f = fopen(path, "r"));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_true((n = ftell(f)) >= 0);
	rewind(f);
	assert_non_null(s = calloc(1, (size_t)n + 1));
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return s;
}

/* Loads path with the log going to fx->log; returns directory_load's. */
static int
load_logged(struct fixture *fx, const char *path, struct directory *dir)
{
	int	 rc;

	assert_int_equal(log_open(fx->log), 0);
	rc = directory_load(path, dir);
	log_close();
	free(fx->logtext);
	fx->logtext = slurp(fx->log);
	return rc;
}

/* Counts the log lines that end in "gemserv: error: PATH: msg". */
static int
logged(struct fixture *fx, const char *path, const char *msg)
{
	char	 want[1024];
	char	*p;
	int	 n = 0;

	snprintf(want, sizeof(want), " gemserv: error: %s: %s\n", path, msg);
	for (p = fx->logtext; (p = strstr(p, want)) != NULL; p++)
		n++;
	return n;
}

static int
log_lines(struct fixture *fx)
{
	const char	*p;
	int		 n = 0;

	for (p = fx->logtext; *p != '\0'; p++)
		n += *p == '\n';
	return n;
}

/* Loading text must fail, log exactly msg (after the path), nothing else. */
static void
fails_with(struct fixture *fx, const char *text, const char *msg)
{
	struct directory	 dir;

	write_ini(fx, text);
	memset(&dir, 0xa5, sizeof(dir));
	assert_int_equal(load_logged(fx, fx->ini, &dir), -1);
	assert_null(dir.resources);
	assert_int_equal(dir.nresources, 0);
	assert_null(dir.categories);
	assert_int_equal(dir.ncategories, 0);
	if (logged(fx, fx->ini, msg) != 1)
		fail_msg("wanted \"%s\", log:\n%s", msg, fx->logtext);
	assert_int_equal(log_lines(fx), 1);
}

#define GOOD	"name = N\ncategory = C\nurl = https://example.org/\n"

static void
test_shipped(void **state)
{
	struct directory	 dir;
	size_t			 i, j, k, n;
	const char		*p;

	(void)state;
	assert_int_equal(directory_load("capsule/resources.ini", &dir), 0);
	assert_true(dir.nresources >= 20);
	for (i = 0; i < dir.nresources; i++) {
		struct resource *r = &dir.resources[i];

		assert_true(directory_url_valid(r->url));
		assert_non_null(r->name);
		assert_non_null(r->category);
		/* The shipped file fills the optional keys that always apply. */
		assert_non_null(r->description);
		assert_non_null(r->region);
		for (p = r->id; *p != '\0'; p++)
			assert_non_null(strchr("abcdefghijklmnopqrstuvwxyz"
			    "0123456789-", *p));
		for (j = 0; j < i; j++)
			assert_string_not_equal(r->id, dir.resources[j].id);
	}
	assert_string_equal(dir.resources[0].id, "988-lifeline");
	assert_string_equal(dir.resources[0].phone, "988 (call or text)");
	assert_string_equal(dir.resources[0].hours, "24/7");
	assert_string_equal(dir.categories[0].name, "Crisis lines");
	/* Every resource in exactly one category, the one it names. */
	n = 0;
	for (j = 0; j < dir.ncategories; j++) {
		assert_true(dir.categories[j].nitems > 0);
		for (k = 0; k < j; k++)
			assert_string_not_equal(dir.categories[j].name,
			    dir.categories[k].name);
		for (k = 0; k < dir.categories[j].nitems; k++)
			assert_string_equal(dir.categories[j].items[k]->category,
			    dir.categories[j].name);
		n += dir.categories[j].nitems;
	}
	assert_int_equal(n, dir.nresources);
	directory_free(&dir);
	assert_null(dir.resources);
	assert_int_equal(dir.nresources, 0);
}

static void
test_order_and_fields(void **state)
{
	struct fixture		*fx = *state;
	struct directory	 dir;

	write_ini(fx,
	    "; leading comment\n"
	    "[c-one]\nname = One\ncategory = B\nurl = gemini://a.example/\n"
	    "description = \"Semi; colon # kept\"\n"
	    "phone = 0300 000 0000\nregion = Here\nhours = 24/7\n"
	    "[a-two]\nname = Two\ncategory = A\nurl = https://b.example\n"
	    "[b-3]\nname = Caf\xc3\xa9 three\ncategory = B\n"
	    "url = gopher://c.example:70/1/\n"
	    "[z]\nName = Four\ncategory = C\nurl = http://d.example\n"
	    "description = cut here ; this is a comment\n"
	    "[m]\nname = Five\ncategory = A\nurl = https://e.example\n");
	assert_int_equal(load_logged(fx, fx->ini, &dir), 0);
	assert_string_equal(fx->logtext, "");
	assert_int_equal(dir.nresources, 5);
	assert_string_equal(dir.resources[0].id, "c-one");
	assert_string_equal(dir.resources[1].id, "a-two");
	assert_string_equal(dir.resources[2].id, "b-3");
	assert_string_equal(dir.resources[3].id, "z");
	assert_string_equal(dir.resources[4].id, "m");

	assert_string_equal(dir.resources[0].name, "One");
	assert_string_equal(dir.resources[0].category, "B");
	assert_string_equal(dir.resources[0].url, "gemini://a.example/");
	assert_string_equal(dir.resources[0].description,
	    "Semi; colon # kept");
	assert_string_equal(dir.resources[0].phone, "0300 000 0000");
	assert_string_equal(dir.resources[0].region, "Here");
	assert_string_equal(dir.resources[0].hours, "24/7");
	assert_null(dir.resources[1].description);
	assert_null(dir.resources[1].phone);
	assert_null(dir.resources[1].region);
	assert_null(dir.resources[1].hours);
	assert_string_equal(dir.resources[2].name, "Caf\xc3\xa9 three");
	assert_string_equal(dir.resources[3].name, "Four");
	assert_string_equal(dir.resources[3].description, "cut here");

	assert_int_equal(dir.ncategories, 3);
	assert_string_equal(dir.categories[0].name, "B");
	assert_int_equal(dir.categories[0].nitems, 2);
	assert_ptr_equal(dir.categories[0].items[0], &dir.resources[0]);
	assert_ptr_equal(dir.categories[0].items[1], &dir.resources[2]);
	assert_string_equal(dir.categories[1].name, "A");
	assert_int_equal(dir.categories[1].nitems, 2);
	assert_ptr_equal(dir.categories[1].items[0], &dir.resources[1]);
	assert_ptr_equal(dir.categories[1].items[1], &dir.resources[4]);
	assert_string_equal(dir.categories[2].name, "C");
	assert_int_equal(dir.categories[2].nitems, 1);
	assert_ptr_equal(dir.categories[2].items[0], &dir.resources[3]);
	directory_free(&dir);
}

static void
test_missing_name(void **state)
{
	fails_with(*state, "[x]\ncategory = C\nurl = https://example.org/\n",
	    "[x] name: missing");
}

static void
test_missing_category(void **state)
{
	fails_with(*state, "[x]\nname = N\nurl = https://example.org/\n",
	    "[x] category: missing");
}

static void
test_missing_url(void **state)
{
	fails_with(*state, "[x]\nname = N\ncategory = C\n",
	    "[x] url: missing");
}

static void
test_bad_url_in_file(void **state)
{
	fails_with(*state, "[ftp-site]\nname = N\ncategory = C\n"
	    "url = ftp://example.org/pub\n",
	    "[ftp-site] url: not a valid http, https, gemini or gopher URL "
	    "(value \"ftp://example.org/pub\")");
}

static void
test_url_valid(void **state)
{
	static const char *const good[] = {
		"http://example.org",
		"https://example.org/",
		"gemini://example.org/path/page.gmi",
		"gopher://example.org/1/dir",
		"gopher://example.org:70/1/dir",
		"https://example.org:8443/a/b?c=d&e=f",
		"https://www.samhsa.gov/find-help/national-helpline",
		"gemini://localhost:1/",
		"https://example.org:65535",
		"gemini://[::1]:1965/",
		"https://[2001:db8::1]/x",
		"HTTPS://EXAMPLE.ORG/",
		"https://example.org?q",
	};
	static const char *const bad[] = {
		"",
		"ftp://example.org/",
		"javascript:alert(1)",
		"mailto:someone@example.org",
		"//example.org/",
		"https:/example.org/",
		"https//example.org/",
		"http://",
		"http:///path",
		"gemini://:1965/",
		"https://exa mple.org/",
		"https://example.org/a b",
		" https://example.org/",
		"https://example.org/\t",
		"https://example.org/\n",
		"https://example.org/\x7f",
		"https://example.org/caf\xc3\xa9",
		"https://user@example.org/",
		"https://user:secret@example.org/",
		"gemini://example.org:0/",
		"gemini://example.org:99999/",
		"gemini://example.org:65536/",
		"gemini://example.org:000001965/",
		"gemini://example.org:/",
		"gemini://example.org:x/",
		"https://exa_mple.org/",
		"https://[]/",
		"https://[::1/",
		"https://[zz::1]/",
		"https://[1234]/",
		"https://[::1]x/",
		"https://example.org/<script>",
		"httpx://example.org/",
		"gopherx://example.org/",
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!directory_url_valid(good[i]))
			fail_msg("refused %s", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (directory_url_valid(bad[i]))
			fail_msg("accepted %s", bad[i]);
}

static void
test_unknown_key(void **state)
{
	fails_with(*state, "[x]\n" GOOD "colour = blue\n",
	    "[x] colour: unknown key (known: name, category, description, "
	    "url, phone, region, hours)");
}

static void
test_bad_section_id(void **state)
{
	fails_with(*state, "[good]\n" GOOD "[bad_id]\n" GOOD,
	    "line 5: section \"bad_id\": a resource id is lowercase letters, "
	    "digits and '-'");
}

static void
test_uppercase_section_id(void **state)
{
	/* iniparser lowercases names; the id is judged as written. */
	fails_with(*state, "[Upper]\n" GOOD,
	    "line 1: section \"Upper\": a resource id is lowercase letters, "
	    "digits and '-'");
}

static void
test_duplicate_section(void **state)
{
	fails_with(*state, "[x]\n" GOOD "\n[x]\nregion = R\n",
	    "line 6: section \"x\" repeats the one on line 1");
}

static void
test_duplicate_key(void **state)
{
	fails_with(*state, "[x]\n" GOOD "name = Again\n",
	    "line 5: [x] name: key given twice");
}

static void
test_key_outside_section(void **state)
{
	fails_with(*state, "stray = 1\n[x]\n" GOOD,
	    "line 1: stray: key outside any section");
}

static void
test_empty_file(void **state)
{
	fails_with(*state, "", "no resources: the file has no [section]");
}

static void
test_comments_only(void **state)
{
	fails_with(*state, "; nothing\n# here\n\n",
	    "no resources: the file has no [section]");
}

static void
test_missing_file(void **state)
{
	struct fixture		*fx = *state;
	struct directory	 dir;
	char			 path[192];

	snprintf(path, sizeof(path), "%s/absent.ini", fx->dir);
	assert_int_equal(load_logged(fx, path, &dir), -1);
	assert_int_equal(logged(fx, path, "No such file or directory"), 1);
	assert_int_equal(log_lines(fx), 1);
	assert_null(dir.resources);
}

static void
test_syntax_error(void **state)
{
	struct fixture		*fx = *state;
	struct directory	 dir;
	char			 want[256];

	write_ini(fx, "[x]\n" GOOD "this line has no equals sign\n");
	assert_int_equal(load_logged(fx, fx->ini, &dir), -1);
	snprintf(want, sizeof(want), " gemserv: error: %s:5: syntax error: "
	    "this line has no equals sign\n", fx->ini);
	if (strstr(fx->logtext, want) == NULL)
		fail_msg("wanted %s, log:\n%s", want, fx->logtext);
	assert_int_equal(logged(fx, fx->ini, "could not be parsed"), 1);
	assert_int_equal(log_lines(fx), 2);
	assert_null(dir.resources);
}

static void
test_invalid_utf8(void **state)
{
	fails_with(*state, "[x]\n" GOOD "description = caf\xe9 au lait\n",
	    "[x] description: value is not valid UTF-8");
}

static void
test_overlong_utf8(void **state)
{
	fails_with(*state, "[x]\n" GOOD "region = \xc0\xaf\n",
	    "[x] region: value is not valid UTF-8");
}

static void
test_tab_in_value(void **state)
{
	fails_with(*state, "[x]\n" GOOD "hours = 9am\t5pm\n",
	    "[x] hours: tab, newline or other control character in value");
}

static void
test_empty_value(void **state)
{
	fails_with(*state, "[x]\n" GOOD "phone =\n",
	    "[x] phone: empty value (leave the key out instead)");
}

static void
test_empty_section(void **state)
{
	struct fixture		*fx = *state;
	struct directory	 dir;

	write_ini(fx, "[x]\n");
	assert_int_equal(load_logged(fx, fx->ini, &dir), -1);
	assert_int_equal(logged(fx, fx->ini, "[x] name: missing"), 1);
	assert_int_equal(logged(fx, fx->ini, "[x] category: missing"), 1);
	assert_int_equal(logged(fx, fx->ini, "[x] url: missing"), 1);
	assert_int_equal(log_lines(fx), 3);
}

static void
test_all_errors_reported(void **state)
{
	struct fixture		*fx = *state;
	struct directory	 dir;

	write_ini(fx,
	    "[fine]\n" GOOD
	    "[no-name]\ncategory = C\nurl = https://example.org/\n"
	    "[bad-url]\nname = N\ncategory = C\nurl = javascript:alert(1)\n"
	    "[Bad.Id]\n" GOOD
	    "[odd-key]\n" GOOD "email = a@example.org\n"
	    "[no-cat]\nname = N\nurl = https://user@example.org/\n"
	    "[also-fine]\n" GOOD);
	assert_int_equal(load_logged(fx, fx->ini, &dir), -1);
	assert_int_equal(logged(fx, fx->ini, "[no-name] name: missing"), 1);
	assert_int_equal(logged(fx, fx->ini, "[bad-url] url: not a valid "
	    "http, https, gemini or gopher URL (value \"javascript:alert(1)\")"),
	    1);
	assert_int_equal(logged(fx, fx->ini, "line 12: section \"Bad.Id\": a "
	    "resource id is lowercase letters, digits and '-'"), 1);
	assert_int_equal(logged(fx, fx->ini, "[odd-key] email: unknown key "
	    "(known: name, category, description, url, phone, region, "
	    "hours)"), 1);
	assert_int_equal(logged(fx, fx->ini, "[no-cat] category: missing"), 1);
	assert_int_equal(logged(fx, fx->ini, "[no-cat] url: not a valid http, "
	    "https, gemini or gopher URL (value \"https://user@example.org/\")"),
	    1);
	assert_int_equal(log_lines(fx), 6);
	assert_null(dir.resources);
	assert_null(dir.categories);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_url_valid),
		cmocka_unit_test_setup_teardown(test_order_and_fields, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing_name, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing_category, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing_url, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_url_in_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unknown_key, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_section_id, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_uppercase_section_id,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_section, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_key, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_key_outside_section,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_comments_only, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_syntax_error, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_invalid_utf8, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_overlong_utf8, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tab_in_value, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_empty_value, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_empty_section, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_all_errors_reported, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
