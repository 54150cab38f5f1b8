package dev.socket2j.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A grouped bar chart of each transport's performance relative to Netty epoll (epoll = 1.0; higher is better
 * for every bar, latencies and costs are inverted), drawn with Java2D so no plotting package is needed.
 */
final class Chart {
    private static final Color[] COLORS = {new Color(0xD6, 0x27, 0x28), new Color(0x1F, 0x77, 0xB4),
        new Color(0x2C, 0xA0, 0x2C), new Color(0xFF, 0x7F, 0x0E), new Color(0x94, 0x67, 0xBD)};

    private Chart() {}

    static void write(Results res, List<String> transports, String title, File out) throws IOException {
        List<Results.Row> rows = new ArrayList<>();
        for (Results.Row r : res.rows.values()) {
            Double base = r.get("epoll");
            if (r.chart() && base != null && base > 0) rows.add(r);
        }
        int w = Math.max(900, 140 + rows.size() * (transports.size() * 16 + 24)), h = 560;
        int left = 70, right = 90, top = 50, bottom = 170;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, left, 24);
        double max = 1.5;
        for (Results.Row r : rows) for (String t : transports) {
            Double v = rel(r, t);
            if (v != null) max = Math.max(max, v);
        }
        max = Math.min(max, 4.0);
        int plotH = h - top - bottom, plotW = w - left - right;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double y = 0; y <= max + 1e-9; y += 0.5) {
            int py = top + plotH - (int) (y / max * plotH);
            g.setColor(y == 1.0 ? Color.DARK_GRAY : new Color(0xDD, 0xDD, 0xDD));
            g.setStroke(new BasicStroke(y == 1.0 ? 1.5f : 1f));
            g.drawLine(left, py, w - right, py);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.1f", y), left - 30, py + 4);
        }
        AffineTransform base = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString("relative to Netty epoll (higher is better)", -(top + plotH), 18);
        g.setTransform(base);
        int groupW = rows.isEmpty() ? plotW : plotW / rows.size();
        int barW = Math.max(6, (groupW - 16) / Math.max(1, transports.size()));
        for (int i = 0; i < rows.size(); i++) {
            Results.Row r = rows.get(i);
            int gx = left + i * groupW + 8;
            for (int j = 0; j < transports.size(); j++) {
                Double v = rel(r, transports.get(j));
                if (v == null) continue;
                int bh = (int) (Math.min(v, max) / max * plotH);
                g.setColor(COLORS[j % COLORS.length]);
                g.fillRect(gx + j * barW, top + plotH - bh, barW - 2, bh);
            }
            g.setColor(Color.BLACK);
            AffineTransform t0 = g.getTransform();
            g.translate(gx + groupW / 2.0 - 4, top + plotH + 8);
            g.rotate(Math.PI / 4);
            g.drawString(r.name(), 0, 0);
            g.setTransform(t0);
        }
        int lx = left;
        for (int j = 0; j < transports.size(); j++) {
            g.setColor(COLORS[j % COLORS.length]);
            g.fillRect(lx, h - 22, 14, 12);
            g.setColor(Color.BLACK);
            g.drawString(transports.get(j), lx + 18, h - 12);
            lx += 110;
        }
        g.dispose();
        if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer");
    }

    private static Double rel(Results.Row r, String t) {
        Double v = r.get(t), e = r.get("epoll");
        if (v == null || e == null || v <= 0 || e <= 0) return null;
        return r.higherBetter() ? v / e : e / v;
    }
}
