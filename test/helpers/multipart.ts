// multipart/form-data bodies for upload tests, written by hand so that a test can also send broken ones.

/** One part: a field (`value` text) or, with `filename`, a file of content type `type`. */
export interface MultipartPart {
  name: string;
  value: string | Buffer;
  filename?: string;
  type?: string;
}

export const MULTIPART_BOUNDARY = '----sop-test-boundary';

/** The body of `parts`, delimited by `boundary`. */
export function multipartBody(parts: MultipartPart[], boundary = MULTIPART_BOUNDARY): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`));
    chunks.push(Buffer.isBuffer(p.value) ? p.value : Buffer.from(p.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** The body of `parts` with the content-type header that names its boundary. */
export function multipart(parts: MultipartPart[]): { body: Buffer; headers: Record<string, string> } {
  return { body: multipartBody(parts), headers: { 'content-type': `multipart/form-data; boundary=${MULTIPART_BOUNDARY}` } };
}
