/* \file examples/c_stream_consumer.c
 * \brief A consumer written in plain C that reads any ArrowArrayStream, as pandas,
 * DuckDB or Polars do: it knows the Arrow C Stream ABI and nothing of quire.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "c_stream_abi.h"

/* Sum column `column` (int64, format "l") over the stream and count rows.
 * Returns 0 on success, the producer's errno otherwise. Releases the stream. */
int SumInt64Column(struct ArrowArrayStream* stream, int column, int64_t* rows, int64_t* sum) {
  struct ArrowSchema schema;
  int rc = stream->get_schema(stream, &schema);
  if (rc != 0) {
    fprintf(stderr, "get_schema: %s\n", stream->get_last_error(stream));
    stream->release(stream);
    return rc;
  }
  if (column >= schema.n_children || strcmp(schema.children[column]->format, "l") != 0) {
    fprintf(stderr, "column %d is not int64\n", column);
    schema.release(&schema);
    stream->release(stream);
    return 22;
  }
  printf("consumer: column '%s' of a stream with %lld columns\n", schema.children[column]->name,
         (long long)schema.n_children);
  *rows = 0;
  *sum = 0;
  for (;;) {
    struct ArrowArray batch;
    rc = stream->get_next(stream, &batch);
    if (rc != 0) {
      fprintf(stderr, "get_next: %s\n", stream->get_last_error(stream));
      break;
    }
    if (batch.release == NULL) break; /* end of stream */
    const struct ArrowArray* col = batch.children[column];
    const uint8_t* validity = (const uint8_t*)col->buffers[0];
    const int64_t* values = (const int64_t*)col->buffers[1];
    for (int64_t i = 0; i < col->length; ++i) {
      const int64_t k = col->offset + batch.offset + i;
      if (validity == NULL || (validity[k / 8] >> (k % 8)) & 1) *sum += values[k];
    }
    *rows += batch.length;
    batch.release(&batch);
  }
  schema.release(&schema);
  stream->release(stream);
  return rc;
}
