/** Loads the photo behind the overlays from the webview URI the host sent. */

/** Resolves to null instead of rejecting: a missing photo is normal (overlays draw on grey). */
export function loadPhoto(uri: string): Promise<HTMLImageElement | null> {
  return new Promise((resolve) => {
    const photo = new Image();
    photo.decoding = 'async';
    photo.onload = () => resolve(photo);
    photo.onerror = () => resolve(null);
    photo.src = uri;
  });
}
