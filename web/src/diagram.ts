// A read-only diagram (bpmn-js NavigatedViewer) with markers on elements, shared by the tasklist and the audit dashboard.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import sop from '../../src/sop/sop-moddle.json';

export interface Viewbox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface CanvasApi {
  addMarker(element: string, marker: string): void;
  removeMarker(element: string, marker: string): void;
  zoom(level: 'fit-viewport' | number, center?: 'auto'): number;
  viewbox(): Viewbox & { scale: number; outer: { width: number; height: number } };
  viewbox(box: Viewbox): void;
  resized(): void;
}

/** The smallest zoom at which a task's name still reads (bpmn-js draws it at 12 px, so about 9 px on screen). */
export const READABLE_SCALE = 0.75;

export interface RegistryElement {
  id: string;
  type: string;
  /** Position and size in diagram units (shapes; a connection has waypoints instead). */
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  businessObject: { $type: string; name?: string; extensionElements?: { values?: Array<{ $type: string; [k: string]: unknown }> }; [k: string]: unknown };
}

export interface RegistryApi {
  get(id: string): RegistryElement | undefined;
  getAll(): RegistryElement[];
  filter(fn: (e: RegistryElement) => boolean): RegistryElement[];
}

export interface OverlaysApi {
  add(element: string, type: string, overlay: { position: { top?: number; left?: number; bottom?: number; right?: number }; html: HTMLElement }): string;
  remove(filter: { type?: string; element?: string }): void;
}

export interface EventBusApi {
  on(event: string, callback: (event: { element: RegistryElement }) => void): void;
}

export class DiagramView {
  readonly viewer: NavigatedViewer;
  private markers: Array<[string, string]> = [];
  private loaded: string | null = null;
  private queue: Promise<void> = Promise.resolve();

  constructor(container: HTMLElement) {
    this.viewer = new NavigatedViewer({ container, moddleExtensions: { sop } });
  }

  get canvas(): CanvasApi {
    return this.viewer.get<CanvasApi>('canvas');
  }
  get registry(): RegistryApi {
    return this.viewer.get<RegistryApi>('elementRegistry');
  }
  get overlays(): OverlaysApi {
    return this.viewer.get<OverlaysApi>('overlays');
  }
  get events(): EventBusApi {
    return this.viewer.get<EventBusApi>('eventBus');
  }

  /**
   * Imports the XML unless it is already shown (`id` names it, e.g. key@version), then fits it to the viewport. Calls
   * run one after the other, so the diagram shown is the one last asked for, never an import that finished late.
   */
  show(id: string, xml: () => Promise<string>): Promise<void> {
    const run = this.queue.then(() => this.showNow(id, xml));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async showNow(id: string, xml: () => Promise<string>): Promise<void> {
    if (this.loaded !== id) {
      await this.viewer.importXML(await xml());
      this.loaded = id;
      this.markers = [];
    }
    this.canvas.resized();
    this.canvas.zoom('fit-viewport', 'auto');
  }

  /**
   * Keeps a diagram fitted to the viewport when it reads at that size; a wider one (five lanes side by side) is shown at
   * READABLE_SCALE centred on `elementId` instead, the rest a drag or a scroll away.
   */
  focus(elementId: string, readable = READABLE_SCALE): void {
    const element = this.registry.get(elementId);
    const box = this.canvas.viewbox();
    if (!element || element.x === undefined || element.y === undefined || box.scale >= readable) return;
    const width = box.outer.width / readable;
    const height = box.outer.height / readable;
    const cx = element.x + (element.width ?? 0) / 2;
    const cy = element.y + (element.height ?? 0) / 2;
    this.canvas.viewbox({ x: cx - width / 2, y: cy - height / 2, width, height });
  }

  mark(elementId: string, marker: string): void {
    if (!this.registry.get(elementId)) return;
    this.canvas.addMarker(elementId, marker);
    this.markers.push([elementId, marker]);
  }

  clearMarks(): void {
    for (const [id, marker] of this.markers) this.canvas.removeMarker(id, marker);
    this.markers = [];
  }
}

/** XML of a definition version, fetched once per page load. */
const xmlCache = new Map<string, Promise<string>>();
export function definitionXml(key: string, version: number, load: (url: string) => Promise<string>): Promise<string> {
  const id = `${key}@${version}`;
  let cached = xmlCache.get(id);
  if (!cached) {
    cached = load(`/definitions/${encodeURIComponent(key)}/xml?version=${version}`);
    cached.catch(() => xmlCache.delete(id));
    xmlCache.set(id, cached);
  }
  return cached;
}
