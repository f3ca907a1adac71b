// The edge console: reads this console's /api every 2 s and redraws what changed. No build step, no CDN: a
// field team's browser may have no route to the internet.
(function () {
  'use strict';
  var REFRESH_MS = 2000;
  var tiles = document.getElementById('tiles');
  var errorBox = document.getElementById('error');
  var shown = {}; // assetId -> the tile element

  function json(path, options) {
    return fetch(path, options).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) { throw new Error(body.error || (path + ': HTTP ' + r.status)); }
        return body;
      });
    });
  }

  function size(bytes) {
    if (bytes < 1024) { return bytes + ' B'; }
    if (bytes < 1024 * 1024) { return (bytes / 1024).toFixed(1) + ' KB'; }
    return (bytes / 1024 / 1024).toFixed(1) + ' MB';
  }

  function path(asset, what) {
    return '/api/assets/' + encodeURIComponent(asset.assetId) + '/' + what;
  }

  function tile(asset) {
    var li = document.createElement('li');
    li.className = 'tile';
    li.dataset.assetId = asset.assetId;
    li.innerHTML = '<div class="thumb"></div><div class="title"></div><div class="meta"></div>'
      + '<div class="status"></div><button type="button"></button>';
    li.querySelector('button').addEventListener('click', function () { act(li); });
    return li;
  }

  function update(li, asset) {
    li.asset = asset;
    li.dataset.status = asset.status;
    var thumb = li.querySelector('.thumb');
    if (asset.thumbnailVersion && thumb.dataset.version !== asset.thumbnailVersion) {
      thumb.dataset.version = asset.thumbnailVersion;
      thumb.innerHTML = '';
      var img = document.createElement('img');
      img.alt = 'thumbnail of ' + asset.title;
      img.src = path(asset, 'thumbnail') + '?v=' + encodeURIComponent(asset.thumbnailVersion);
      thumb.appendChild(img);
    } else if (!asset.thumbnailVersion) {
      thumb.textContent = 'no preview';
    }
    li.querySelector('.title').textContent = asset.title;
    li.querySelector('.meta').textContent = asset.mediaType + ' · ' + size(asset.sizeBytes);
    var status = li.querySelector('.status');
    status.textContent = asset.status;
    status.className = 'status status-' + asset.status;
    var button = li.querySelector('button');
    var requestable = ['AVAILABLE', 'FAILED', 'EXPIRED'].indexOf(asset.status) >= 0;
    button.textContent = asset.status === 'DELIVERED' ? 'View' : (asset.status === 'AVAILABLE' ? 'Request' : 'Request again');
    button.hidden = !(requestable || asset.status === 'DELIVERED');
    button.className = asset.status === 'DELIVERED' ? 'view' : 'request';
  }

  function act(li) {
    var asset = li.asset;
    if (asset.status === 'DELIVERED') { view(asset); return; }
    li.querySelector('button').disabled = true;
    json(path(asset, 'request'), { method: 'POST' }).then(function (answer) {
      update(li, Object.assign({}, asset, { status: answer.status }));
      errorBox.textContent = '';
    }).catch(function (e) { errorBox.textContent = e.message; })
      .then(function () { li.querySelector('button').disabled = false; });
  }

  function view(asset) {
    var body = document.getElementById('viewer-body');
    body.innerHTML = '';
    var media;
    if (asset.mediaType.indexOf('video/') === 0) {
      media = document.createElement('video');
      media.controls = true;
    } else if (asset.mediaType.indexOf('image/') === 0) {
      media = document.createElement('img');
      media.alt = asset.title;
    } else {
      media = document.createElement('a');
      media.textContent = 'Open ' + asset.title;
      media.href = path(asset, 'file');
    }
    media.id = 'viewer-media';
    if (media.tagName !== 'A') { media.src = path(asset, 'file'); }
    body.appendChild(media);
    document.getElementById('viewer-title').textContent = asset.title;
    document.getElementById('viewer').showModal();
  }

  document.getElementById('viewer-close').addEventListener('click', function () {
    document.getElementById('viewer-body').innerHTML = ''; // stops a playing video
    document.getElementById('viewer').close();
  });

  function refreshTiles() {
    return json('/api/assets').then(function (page) {
      document.getElementById('edge-id').textContent = page.edgeId;
      var seen = {};
      page.assets.forEach(function (asset, i) {
        seen[asset.assetId] = true;
        var li = shown[asset.assetId] || (shown[asset.assetId] = tile(asset));
        if (tiles.children[i] !== li) { tiles.insertBefore(li, tiles.children[i] || null); }
        update(li, asset);
      });
      Object.keys(shown).forEach(function (id) {
        if (!seen[id]) { shown[id].remove(); delete shown[id]; }
      });
      document.getElementById('empty').hidden = page.assets.length > 0;
    });
  }

  function refreshLink() {
    return json('/api/link').then(function (s) {
      var link = document.getElementById('link');
      link.className = 'link link-' + s.link;
      link.dataset.state = s.link;
      document.getElementById('link-state').textContent = s.link;
      var since = s.lastHeartbeatAt ? 'last heartbeat from HQ ' + s.secondsSinceHeartbeat + ' s ago ('
        + s.lastHeartbeatAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z') + ')' : (s.detail || '');
      document.getElementById('link-detail').textContent = since;
      var loops = [];
      if (s.lastSync && s.lastSync.at !== 'never') { loops.push('last sync ' + s.lastSync.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')); }
      if (s.lastPublish && s.lastPublish.at !== 'never') { loops.push('last request sent ' + s.lastPublish.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')); }
      document.getElementById('loops').textContent = loops.join(' · ');
    });
  }

  function refresh() {
    Promise.all([refreshTiles(), refreshLink()])
      .then(function () { errorBox.textContent = ''; })
      .catch(function (e) { errorBox.textContent = e.message; })
      .then(function () { setTimeout(refresh, REFRESH_MS); });
  }
  refresh();
}());
