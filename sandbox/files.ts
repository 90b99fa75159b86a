import { randomBytes } from 'node:crypto';
import { imageSize } from 'image-size';
import { badRequest } from './telegram/telegram-error';

export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  bytes: Buffer;
  mimeType: string;
  width: number;
  height: number;
}

/** Uploaded files, addressed by file_id as Telegram does, so a photo can be sent again by id. */
export class FileStore {
  private readonly files = new Map<string, StoredFile>();

  addPhoto(bytes: Buffer): StoredFile {
    let size: { width: number; height: number; type?: string | undefined };
    try {
      size = imageSize(bytes);
    } catch {
      throw badRequest('IMAGE_PROCESS_FAILED');
    }
    const file: StoredFile = {
      fileId: `AgAC${randomBytes(24).toString('base64url')}`,
      fileUniqueId: `AQAD${randomBytes(8).toString('base64url')}`,
      bytes,
      mimeType: size.type === 'jpg' ? 'image/jpeg' : `image/${size.type ?? 'octet-stream'}`,
      width: size.width,
      height: size.height,
    };
    this.files.set(file.fileId, file);
    return file;
  }

  get(fileId: string): StoredFile {
    const file = this.files.get(fileId);
    if (!file) throw badRequest('wrong file identifier/HTTP URL specified');
    return file;
  }

  find(fileId: string): StoredFile | undefined {
    return this.files.get(fileId);
  }

  static filePath(file: StoredFile): string {
    return `photos/${file.fileId}.${file.mimeType === 'image/jpeg' ? 'jpg' : 'png'}`;
  }

  photoSizes(file: StoredFile) {
    return [
      {
        file_id: file.fileId,
        file_unique_id: file.fileUniqueId,
        width: file.width,
        height: file.height,
        file_size: file.bytes.length,
      },
    ];
  }
}
