"""Draws the demo images (posters and shop pictures) with Pillow: warm colours, simple shapes,
no text except a fictional shop name. Deterministic (seeded); run only when you change a picture:

    .venv/bin/python assets/demo/source/make_images.py

then rebuild the feed (tools/build_demo.py) so the sha256 values follow.
"""
from __future__ import annotations

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

OUT = Path(__file__).resolve().parent.parent / "images"
FONTS = Path("/usr/share/fonts/truetype/dejavu")
W, H = 960, 540


def font(name, size):
    return ImageFont.truetype(str(FONTS / name), size)


def gradient(top, bottom, w=W, h=H):
    im = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(im)
    for y in range(h):
        t = y / (h - 1)
        d.line([(0, y), (w, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))
    return im




def shopfront(d, x0, y0, x1, y1, wall, window, name=None, q=False):
    d.rectangle([x0, y0, x1, y1], fill=wall)
    d.rectangle([x0 + 20, y0 + 70, x1 - 20, y1 - 20], fill=(70, 45, 35))
    d.rectangle([x0 + 28, y0 + 78, x1 - 28, y1 - 28], fill=window)
    # awning
    stripes = 8
    sw = (x1 - x0) / stripes
    for i in range(stripes):
        d.polygon([(x0 + i * sw, y0 + 10), (x0 + (i + 1) * sw, y0 + 10), (x0 + (i + 1) * sw + 6, y0 + 60), (x0 + i * sw + 6, y0 + 60)],
                  fill=(180, 60, 45) if i % 2 == 0 else (245, 230, 205))
    if name:
        f = font("DejaVuSerif-Bold.ttf", 34)
        tw = d.textlength(name, font=f)
        d.rectangle([(x0 + x1) / 2 - tw / 2 - 16, y0 - 52, (x0 + x1) / 2 + tw / 2 + 16, y0 - 4], fill=(40, 30, 28))
        d.text(((x0 + x1) / 2 - tw / 2, y0 - 48), name, font=f, fill=(245, 215, 150))
    if q:
        q_sign(d, x1, y1)


def q_sign(d, x1, y1):
    """The Qualitätsroute's large "Q" at the door."""
    d.ellipse([x1 - 120, y1 - 150, x1 - 40, y1 - 70], fill=(250, 245, 235), outline=(150, 40, 40), width=5)
    fq = font("DejaVuSerif-Bold.ttf", 54)
    d.text((x1 - 99, y1 - 146), "Q", font=fq, fill=(150, 40, 40))


def winter_im_viertel():
    im = gradient((38, 44, 78), (120, 70, 60))
    d = ImageDraw.Draw(im)
    rnd = random.Random(1)
    # houses
    xs = [0, 170, 330, 500, 660, 820, 960]
    cols = [(150, 90, 60), (180, 120, 70), (130, 80, 70), (170, 100, 60), (140, 95, 80), (185, 130, 85)]
    for i in range(6):
        top = 170 + rnd.randint(0, 60)
        d.rectangle([xs[i], top, xs[i + 1], H], fill=cols[i])
        d.polygon([(xs[i], top), ((xs[i] + xs[i + 1]) / 2, top - 70), (xs[i + 1], top)], fill=tuple(c - 30 for c in cols[i]))
        for wy in range(top + 30, 420, 70):
            for wx in range(xs[i] + 25, xs[i + 1] - 40, 55):
                lit = rnd.random() < 0.7
                d.rectangle([wx, wy, wx + 30, wy + 40], fill=(255, 200, 110) if lit else (60, 50, 60))
    d.rectangle([0, 430, W, H], fill=(225, 220, 230))
    shopfront(d, 330, 300, 640, 440, (200, 150, 100), (255, 215, 140), q=True)
    for _ in range(180):
        x, y, r = rnd.randint(0, W), rnd.randint(0, H), rnd.choice([2, 2, 3, 4])
        d.ellipse([x - r, y - r, x + r, y + r], fill=(250, 250, 255))
    return im


def zwischennutzung():
    im = gradient((250, 215, 160), (240, 150, 90))
    d = ImageDraw.Draw(im)
    d.rectangle([120, 110, 840, 500], fill=(235, 225, 210))
    d.rectangle([150, 170, 810, 480], fill=(60, 55, 60))
    d.rectangle([165, 185, 795, 465], fill=(255, 245, 225))
    # design objects on plinths
    shapes = [((230, 330), (210, 90, 60)), ((380, 300), (70, 120, 140)), ((530, 320), (230, 170, 60)), ((680, 290), (120, 150, 90))]
    for (x, y), c in shapes:
        d.rectangle([x - 45, y + 40, x + 45, 465], fill=(220, 210, 195))
        d.ellipse([x - 40, y - 40, x + 40, y + 40], fill=c)
    # paper stripes where the old shop's lettering was
    d.rectangle([260, 125, 700, 158], fill=(245, 240, 230))
    for x in range(270, 700, 30):
        d.line([(x, 128), (x + 18, 155)], fill=(210, 200, 185), width=3)
    return im


def late_night():
    im = gradient((25, 25, 60), (70, 40, 70))
    d = ImageDraw.Draw(im)
    d.ellipse([780, 50, 860, 130], fill=(250, 240, 200))
    shopfront(d, 40, 200, 320, 470, (150, 90, 70), (255, 200, 120), q=True)
    shopfront(d, 340, 180, 620, 470, (120, 100, 90), (255, 220, 150), q=True)
    shopfront(d, 640, 210, 920, 470, (160, 110, 80), (255, 190, 110), q=True)
    d.rectangle([0, 470, W, H], fill=(80, 70, 75))
    for x in range(0, W, 60):
        d.line([(x, 470), (x + 30, H)], fill=(95, 85, 90), width=2)
    return im


def bookshop():
    im = gradient((245, 225, 190), (210, 160, 110))
    d = ImageDraw.Draw(im)
    shopfront(d, 140, 130, 820, 510, (120, 60, 45), (255, 225, 160), name="Buchhandlung Seitenwind")
    rnd = random.Random(3)
    for base in (470, 380, 290):
        x = 180
        while x < 760:
            w = rnd.randint(14, 30)
            h = rnd.randint(55, 80)
            c = rnd.choice([(170, 60, 50), (60, 90, 120), (200, 150, 60), (90, 120, 80), (140, 80, 110), (230, 200, 150)])
            d.rectangle([x, base - h, x + w, base], fill=c)
            x += w + 3
        d.rectangle([175, base, 785, base + 6], fill=(110, 70, 45))
    q_sign(d, 820, 510)
    return im


def teahouse():
    im = gradient((200, 110, 60), (120, 50, 40))
    d = ImageDraw.Draw(im)
    d.rectangle([0, 380, W, H], fill=(90, 55, 40))
    rnd = random.Random(4)
    for i, x in enumerate(range(60, 900, 110)):
        c = [(40, 110, 100), (190, 60, 50), (220, 170, 60), (60, 70, 130)][i % 4]
        d.rectangle([x, 120, x + 80, 230], fill=c)
        d.rectangle([x, 112, x + 80, 126], fill=(230, 210, 170))
        d.ellipse([x + 25, 160, x + 55, 190], fill=(240, 220, 180))
    # teapots
    for x, c in ((250, (230, 225, 215)), (480, (50, 110, 120)), (700, (200, 150, 60))):
        d.ellipse([x - 80, 280, x + 80, 400], fill=c)
        d.rectangle([x - 25, 262, x + 25, 285], fill=c)
        d.ellipse([x - 12, 248, x + 12, 266], fill=c)
        d.polygon([(x + 70, 330), (x + 130, 290), (x + 140, 300), (x + 80, 360)], fill=c)
        d.arc([x - 130, 300, x - 50, 380], 90, 270, fill=c, width=14)
    f = font("DejaVuSerif-Bold.ttf", 44)
    t = "Teehaus Samowar"
    d.text((W / 2 - d.textlength(t, font=f) / 2, 440), t, font=f, fill=(250, 230, 190))
    for _ in range(30):
        x, y = rnd.randint(100, 860), rnd.randint(240, 270)
        d.arc([x, y - 40, x + 20, y], 200, 340, fill=(235, 220, 200), width=2)
    return im


def hats():
    im = gradient((235, 205, 175), (200, 140, 110))
    d = ImageDraw.Draw(im)
    d.rectangle([0, 400, W, H], fill=(120, 75, 55))
    for x, c in ((180, (90, 60, 50)), (380, (160, 50, 45)), (580, (60, 70, 90)), (780, (170, 140, 90))):
        d.rectangle([x - 8, 300, x + 8, 400], fill=(140, 100, 70))
        d.ellipse([x - 45, 220, x + 45, 310], fill=(190, 150, 110))
        d.ellipse([x - 95, 215, x + 95, 255], fill=c)
        d.rounded_rectangle([x - 55, 140, x + 55, 240], radius=30, fill=c)
        d.rectangle([x - 55, 205, x + 55, 222], fill=(230, 200, 120))
    f = font("DejaVuSerif-Bold.ttf", 44)
    t = "Hutmacherei Krempe"
    d.text((W / 2 - d.textlength(t, font=f) / 2, 440), t, font=f, fill=(250, 235, 210))
    return im


def watchmaker():
    im = gradient((90, 60, 45), (40, 30, 28))
    d = ImageDraw.Draw(im)
    d.rectangle([0, 330, W, H], fill=(130, 90, 60))
    for x, y, r in ((250, 250, 120), (560, 300, 80), (760, 220, 100)):
        d.ellipse([x - r - 10, y - r - 10, x + r + 10, y + r + 10], fill=(200, 160, 80))
        d.ellipse([x - r, y - r, x + r, y + r], fill=(245, 235, 210))
        for k in range(12):
            a = k * math.pi / 6
            d.line([(x + (r - 15) * math.cos(a), y + (r - 15) * math.sin(a)), (x + (r - 4) * math.cos(a), y + (r - 4) * math.sin(a))],
                   fill=(60, 40, 30), width=3)
        d.line([(x, y), (x + r * 0.5 * math.cos(-1.1), y + r * 0.5 * math.sin(-1.1))], fill=(40, 30, 25), width=6)
        d.line([(x, y), (x + r * 0.8 * math.cos(0.4), y + r * 0.8 * math.sin(0.4))], fill=(40, 30, 25), width=4)
    d.line([(120, 470), (380, 430)], fill=(190, 190, 200), width=6)
    d.line([(420, 480), (640, 440)], fill=(190, 190, 200), width=4)
    f = font("DejaVuSerif-Bold.ttf", 40)
    t = "Uhrmacherei Brenscheidt"
    d.text((W / 2 - d.textlength(t, font=f) / 2, 470), t, font=f, fill=(240, 210, 150))
    return im


def christmas_market():
    im = gradient((15, 20, 50), (50, 40, 70))
    d = ImageDraw.Draw(im)
    # the giant tree
    d.polygon([(480, 30), (330, 420), (630, 420)], fill=(30, 80, 50))
    for k in range(6):
        y = 100 + k * 55
        d.polygon([(480, y - 60), (420 - k * 22, y + 40), (540 + k * 22, y + 40)], fill=(25 + k * 4, 95, 55))
    d.polygon([(480, 10), (470, 45), (490, 45)], fill=(250, 230, 150))
    rnd = random.Random(8)
    lights = [(rnd.randint(360, 600), rnd.randint(60, 410)) for _ in range(160)]
    lights = [(x, y) for x, y in lights if abs(x - 480) < (y - 30) * 0.38]
    for x, y in lights:
        d.ellipse([x - 3, y - 3, x + 3, y + 3], fill=(255, 225, 140))
    # stalls
    for x in range(0, W, 160):
        d.rectangle([x + 10, 380, x + 150, 500], fill=(120, 70, 45))
        d.polygon([(x, 385), (x + 80, 330), (x + 160, 385)], fill=(160, 50, 40))
        d.rectangle([x + 25, 405, x + 135, 460], fill=(255, 200, 110))
        for lx in range(x + 15, x + 150, 18):
            d.ellipse([lx - 3, 378, lx + 3, 384], fill=(255, 230, 160))
    d.rectangle([0, 500, W, H], fill=(70, 60, 65))
    return im


def weekly_market():
    im = gradient((180, 215, 240), (240, 230, 210))
    d = ImageDraw.Draw(im)
    d.rectangle([0, 420, W, H], fill=(170, 160, 150))
    rnd = random.Random(9)
    for i, x in enumerate(range(20, 900, 240)):
        stripe = [(200, 60, 50), (40, 120, 90), (230, 160, 40), (50, 90, 150)][i % 4]
        for k in range(8):
            d.rectangle([x + k * 28, 170, x + k * 28 + 28, 230], fill=stripe if k % 2 == 0 else (250, 245, 235))
        d.polygon([(x, 230), (x + 224, 230), (x + 214, 250), (x + 10, 250)], fill=stripe)
        d.rectangle([x + 8, 250, x + 14, 420], fill=(90, 80, 70))
        d.rectangle([x + 210, 250, x + 216, 420], fill=(90, 80, 70))
        d.rectangle([x, 330, x + 224, 360], fill=(150, 110, 70))
        for _ in range(40):
            fx, fy = x + rnd.randint(10, 214), 300 + rnd.randint(0, 30)
            c = rnd.choice([(220, 50, 40), (250, 160, 30), (120, 170, 50), (240, 210, 60), (140, 60, 110)])
            d.ellipse([fx - 9, fy - 9, fx + 9, fy + 9], fill=c)
    return im


def light_arcs():
    im = gradient((10, 15, 40), (45, 35, 55))
    d = ImageDraw.Draw(im)
    # street in perspective
    d.polygon([(380, 300), (580, 300), (W, H), (0, H)], fill=(60, 55, 60))
    d.polygon([(0, 120), (380, 260), (380, 300), (0, H)], fill=(80, 60, 60))
    d.polygon([(W, 120), (580, 260), (580, 300), (W, H)], fill=(85, 65, 60))
    rnd = random.Random(10)
    for side in (0, 1):
        for _ in range(22):
            t = rnd.random()
            x = (0 + 360 * t) if side == 0 else (W - 360 * t)
            y = 200 + 160 * (1 - t) * rnd.random() + 100 * t
            s = 18 * (1 - t) + 5
            d.rectangle([x - s / 2, y, x + s / 2, y + s * 1.3], fill=(255, 200, 120))
    for k, c in enumerate([(255, 180, 80), (255, 120, 90), (250, 210, 120), (200, 140, 255), (255, 170, 110)]):
        s = 1 - k * 0.17
        cx, top = 480, 300 - 260 * s
        w = 470 * s
        d.arc([cx - w, top, cx + w, top + 2 * (300 - top) + 40 * s], 180, 360, fill=c, width=max(3, int(12 * s)))
    return im.filter(ImageFilter.SMOOTH)


IMAGES = {
    "winter-im-viertel.png": winter_im_viertel,
    "zwischennutzung.png": zwischennutzung,
    "late-night-shopping.png": late_night,
    "buchhandlung-seitenwind.jpg": bookshop,
    "teehaus-samowar.jpg": teahouse,
    "hutmacherei-krempe.jpg": hats,
    "uhrmacherei-brenscheidt.jpg": watchmaker,
    "weihnachtsmarkt.jpg": christmas_market,
    "wochenmarkt.jpg": weekly_market,
    "lichtboegen.jpg": light_arcs,
}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, draw in IMAGES.items():
        im = draw()
        path = OUT / name
        if name.endswith(".png"):
            im = im.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
            im.save(path, optimize=True)
        else:
            im.save(path, quality=85, optimize=True, progressive=False)
        print(f"{name}: {path.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
