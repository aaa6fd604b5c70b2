/*
 * replay: runs a fuzz target over every file of its corpus without
 * libFuzzer, so `make test` (and `make asan`) replays what fuzzing found.
 * Usage: fuzz_NAME DIR...  The whole replay is one check: it passes when
 * every input ran; a crash or a sanitizer report ends the process without
 * the result line, which tests/run.sh counts as a failure.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
one(const char *path)
{
	FILE	*f = fopen(path, "rb");
	uint8_t	*data;
	long	 n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		if (f != NULL)
			fclose(f);
		return -1;
	}
	rewind(f);
	data = malloc((size_t)n + 1);
	if (fread(data, 1, (size_t)n, f) != (size_t)n) {
		free(data);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data, (size_t)n);
	free(data);
	return 0;
}

int
main(int argc, char **argv)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[4096];
	int		 i, passed = 0, failed = 0;

	for (i = 1; i < argc; i++) {
		if ((d = opendir(argv[i])) == NULL) {
			fprintf(stderr, "%s: cannot open\n", argv[i]);
			failed++;
			continue;
		}
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i],
			    de->d_name);
			if (one(path) == 0)
				passed++;
			else
				failed++;
		}
		closedir(d);
	}
	printf("replayed %d inputs, %d unreadable\n", passed, failed);
	failed = failed != 0 || passed == 0;
	printf("%d passed, %d failed\n", !failed, failed);
	return failed;
}
