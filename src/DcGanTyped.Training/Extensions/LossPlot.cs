using SkiaSharp;

namespace DcGanTyped.Training.Extensions;

/// <summary>
/// <c>loss.png</c>: <c>gen/loss</c> (blue) and <c>dis/loss</c> (orange) against the iteration, like Chainer's
/// <c>PlotReport</c>, drawn with SkiaSharp from the log entries. Axis ticks are labelled when a font is available.
/// </summary>
public static class LossPlot
{
    /// <summary>Colour of the generator's curve.</summary>
    public static readonly SKColor GenColor = new(31, 119, 180);

    /// <summary>Colour of the discriminator's curve.</summary>
    public static readonly SKColor DisColor = new(255, 127, 14);

    /// <summary>Renders the curves as a 640 x 400 PNG.</summary>
    public static byte[] EncodePng(IReadOnlyList<LogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        const int W = 640, H = 400, Left = 60, Right = 20, Top = 30, Bottom = 40;
        using var surface = SKSurface.Create(new SKImageInfo(W, H, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        var plot = new SKRect(Left, Top, W - Right, H - Bottom);

        double xMin = 0, xMax = 1, yMin = 0, yMax = 1;
        if (entries.Count > 0)
        {
            xMin = entries[0].Iteration;
            xMax = Math.Max(entries[^1].Iteration, xMin + 1);
            var values = entries.SelectMany(e => new[] { e.GenLoss, e.DisLoss }).Where(double.IsFinite).ToArray();
            if (values.Length > 0)
            {
                yMin = Math.Min(0, values.Min());
                yMax = Math.Max(values.Max(), yMin + 1e-6);
            }
        }

        float X(double v) => plot.Left + (float)((v - xMin) / (xMax - xMin) * plot.Width);
        float Y(double v) => plot.Bottom - (float)((v - yMin) / (yMax - yMin) * plot.Height);

        using var grid = new SKPaint { Color = new SKColor(220, 220, 220), StrokeWidth = 1, IsAntialias = true };
        using var axis = new SKPaint { Color = SKColors.Black, StrokeWidth = 1, IsAntialias = true, Style = SKPaintStyle.Stroke };
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var font = new SKFont { Size = 12 };
        for (var i = 0; i <= 5; i++)
        {
            var yv = yMin + ((yMax - yMin) * i / 5);
            canvas.DrawLine(plot.Left, Y(yv), plot.Right, Y(yv), grid);
            canvas.DrawText(yv.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture), 5, Y(yv) + 4, font, text);
            var xv = xMin + ((xMax - xMin) * i / 5);
            canvas.DrawText(xv.ToString("0", System.Globalization.CultureInfo.InvariantCulture), X(xv) - 10, plot.Bottom + 16, font, text);
        }

        canvas.DrawRect(plot, axis);
        canvas.DrawText("iteration", (W / 2) - 25, H - 6, font, text);
        DrawCurve(canvas, entries.Select(e => (e.Iteration, e.GenLoss)), GenColor, X, Y);
        DrawCurve(canvas, entries.Select(e => (e.Iteration, e.DisLoss)), DisColor, X, Y);

        // Legend: a coloured bar and the key, top right.
        using var genPaint = new SKPaint { Color = GenColor, StrokeWidth = 3 };
        using var disPaint = new SKPaint { Color = DisColor, StrokeWidth = 3 };
        canvas.DrawLine(W - 170, 15, W - 145, 15, genPaint);
        canvas.DrawText("gen/loss", W - 140, 19, font, text);
        canvas.DrawLine(W - 85, 15, W - 60, 15, disPaint);
        canvas.DrawText("dis/loss", W - 55, 19, font, text);

        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static void DrawCurve(SKCanvas canvas, IEnumerable<(long X, double Y)> points, SKColor color, Func<double, float> x, Func<double, float> y)
    {
        using var paint = new SKPaint { Color = color, StrokeWidth = 2, IsAntialias = true, Style = SKPaintStyle.Stroke };
        using var path = new SKPath();
        var first = true;
        foreach (var (px, py) in points)
        {
            if (!double.IsFinite(py))
            {
                first = true;
                continue;
            }

            if (first)
            {
                path.MoveTo(x(px), y(py));
                first = false;
            }
            else
            {
                path.LineTo(x(px), y(py));
            }
        }

        canvas.DrawPath(path, paint);
    }
}
