// Reads one uploaded file (and its optional name) from a multipart request, refusing every malformed shape with a 4xx.
import type { FastifyRequest } from 'fastify';
import { SopError, TooLargeError, ValidationError } from '../errors.js';
import { TEXT_LIMITS, overLimit } from '../db/text-limits.js';
import { canonicalText, textProblem } from '../text/canonical-text.js';

export interface Upload {
  /** The file's name as the client sent it (NFC), or '' when it sent none. */
  filename: string;
  /** The declared content type of the file part. */
  type: string;
  content: Buffer;
  /** The `name` field (the kelengkapan the file fulfils), trimmed and in NFC; undefined when absent or empty. */
  name: string | undefined;
}

/** The limits @fastify/multipart is registered with; `files: 2` so that a second file part can be named when refused. */
export function multipartLimits(maxFileBytes: number) {
  return { fileSize: maxFileBytes, files: 2, fields: 5, fieldSize: 1000, parts: 6 };
}

/** A text part in canonical form, or a ValidationError naming the part. */
function partText(value: string, part: string): string {
  const problem = textProblem(value) ?? overLimit(value, 'attachmentName', 'the value');
  if (problem) throw new ValidationError(`the ${part} part is refused: ${problem}`, [{ name: part, message: problem }]);
  return canonicalText(value);
}

/** What the multipart parser (busboy, @fastify/multipart) threw, as the 4xx it is. */
function uploadError(err: unknown, maxFileBytes: number): SopError {
  if (err instanceof SopError) return err;
  const { code, message } = err as { code?: string; message?: string };
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new TooLargeError(`a file may have at most ${maxFileBytes} bytes`, { limit: 'fileSize', max: maxFileBytes });
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new TooLargeError('the form has more parts than an upload takes (a file and a name)', { limit: code === 'FST_PARTS_LIMIT' ? 'parts' : 'fields', max: code === 'FST_PARTS_LIMIT' ? 6 : 5 });
  }
  // Busboy throws plain errors for a missing boundary or a body that ends early: the request is malformed.
  return new ValidationError(`malformed multipart body: ${message ?? 'unreadable'}`, [{ name: 'body', message: message ?? 'unreadable' }]);
}

/**
 * Reads a multipart/form-data upload: exactly one file part named `file`, and optionally a text part `name`.
 * Throws ValidationError (400) for a malformed body (no boundary, truncated), a second file part or a file part
 * otherwise named (naming that part), ill-formed text or a name over TEXT_LIMITS.attachmentName; TooLargeError
 * (413, `details.limit` naming the limit) for a file over `maxFileBytes` or too many parts.
 */
export async function readUpload(request: FastifyRequest, maxFileBytes: number): Promise<Upload> {
  let file: Omit<Upload, 'name'> | undefined;
  let name: string | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || file) {
          throw new ValidationError(`only one file part, named file, is accepted; part ${part.fieldname} is refused`, [
            { name: part.fieldname, message: 'an upload takes one file, in the part named file' },
          ]);
        }
        file = { filename: partText(part.filename ?? '', 'file'), type: part.mimetype, content: await part.toBuffer() };
      } else if (part.fieldname === 'name') {
        if (part.valueTruncated) throw new ValidationError('the name part is too long', [{ name: 'name', message: `at most ${TEXT_LIMITS.attachmentName} characters` }]);
        name = partText(String(part.value).trim(), 'name') || undefined;
      }
    }
  } catch (err) {
    throw uploadError(err, maxFileBytes);
  }
  if (!file) throw new ValidationError('no file', [{ name: 'file', message: 'a part named file is required' }]);
  return { ...file, name };
}
