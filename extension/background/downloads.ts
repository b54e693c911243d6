/**
 * Offering to verify a finished PDF download (optional `downloads` + `notifications` permissions, asked
 * for in the options page). chrome.downloads never gives the bytes (WEBMAIL.md): the notification opens
 * the verify page with the download's id, and the page asks the user to drop or pick that file.
 */
export interface DownloadItem {
  id: number;
  filename: string;
  mime?: string;
  state?: string;
}

export interface DownloadsApi {
  search(query: { id: number }): Promise<DownloadItem[]>;
  onChanged: { addListener(cb: (delta: { id: number; state?: { current?: string } }) => void): void };
}

export interface NotificationsApi {
  create(id: string, options: { type: 'basic'; iconUrl: string; title: string; message: string; contextMessage?: string }): Promise<string> | void;
  clear(id: string): Promise<boolean> | void;
  onClicked: { addListener(cb: (id: string) => void): void };
}

const PREFIX = 'esign-verify-download:';
// A 1×1 blue PNG: notifications need an icon and the extension ships none.
const ICON = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkaPj/HwAE8AJ+gM2ygAAAAABJRU5ErkJggg==';

export function isPdfDownload(item: DownloadItem): boolean {
  return item.mime === 'application/pdf' || /\.pdf$/i.test(item.filename);
}

export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

export function watchPdfDownloads(opts: {
  downloads: DownloadsApi;
  notifications: NotificationsApi;
  openTab(url: string): void;
  verifierUrl(downloadId: number): string;
  text(name: string): Promise<{ title: string; message: string }>;
}): void {
  opts.downloads.onChanged.addListener((delta) => {
    if (delta.state?.current !== 'complete') return;
    void opts.downloads.search({ id: delta.id }).then(async ([item]) => {
      if (!item || !isPdfDownload(item)) return;
      const { title, message } = await opts.text(baseName(item.filename));
      await opts.notifications.create(`${PREFIX}${item.id}`, { type: 'basic', iconUrl: ICON, title, message });
    });
  });
  opts.notifications.onClicked.addListener((id) => {
    if (!id.startsWith(PREFIX)) return;
    const downloadId = Number(id.slice(PREFIX.length));
    if (!Number.isInteger(downloadId)) return;
    opts.openTab(opts.verifierUrl(downloadId));
    void opts.notifications.clear(id);
  });
}
